// goendpoint prints EKS Anywhere's ToAPIEndpoint (pkg/containerd, the v0.26 body: a URL
// without a path gets "v2") of each string of a JSON array read from stdin, as a JSON array.
// It is the oracle of tests/e2e/test_gopath_go.py for eksa_mirror.core.gopath.
package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

func ToAPIEndpoint(url string) string {
	u, err := parseURL(url)
	if err != nil {
		return url
	}
	if u.Path != "" {
		u.Path = filepath.Join("v2", u.Path)
	} else {
		u.Path = "v2"
	}
	return strings.TrimPrefix(u.String(), "//")
}

func parseURL(in string) (*url.URL, error) {
	urlIn := in
	if !strings.Contains(in, "//") {
		urlIn = "//" + in
	}
	return url.Parse(urlIn)
}

func main() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		panic(err)
	}
	out := make([]string, len(inputs))
	for i, in := range inputs {
		out[i] = ToAPIEndpoint(in)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
