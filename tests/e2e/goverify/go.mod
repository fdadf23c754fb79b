module eksa-mirror/goverify

go 1.25
