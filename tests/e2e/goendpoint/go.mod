module eksa-mirror/goendpoint

go 1.25
