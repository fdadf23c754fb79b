module eksa-mirror/goimages

go 1.25
