// Command goverify dials a TLS server the way EKS Anywhere's preflight does and prints
// Go's verdict as one JSON line. It is the oracle of the differential tests of
// `eksa-mirror check`.
//
// With -ca FILE it runs pkg/crypto/validator.go ValidateCert: the first PEM block of FILE
// is parsed as one x509 certificate and is the only root; tls.Dial with Go's default
// client settings. Without -ca it runs IsSignedByUnknownAuthority (system roots).
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"time"
)

type verdict struct {
	OK      bool   `json:"ok"`
	Kind    string `json:"kind"`
	Error   string `json:"error"`
	Version string `json:"version"`
	Cipher  string `json:"cipher"`
}

func main() {
	addr := flag.String("addr", "", "host:port")
	caFile := flag.String("ca", "", "caCertContent file (empty: system roots)")
	flag.Parse()
	out := json.NewEncoder(os.Stdout)
	conf := &tls.Config{}
	if *caFile != "" {
		content, err := os.ReadFile(*caFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		block, _ := pem.Decode(content)
		if block == nil {
			_ = out.Encode(verdict{Kind: "ca", Error: "failed to parse certificate PEM"})
			return
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			_ = out.Encode(verdict{Kind: "ca", Error: fmt.Sprintf("failed to parse certificate: %v", err)})
			return
		}
		roots := x509.NewCertPool()
		roots.AddCert(cert)
		conf.RootCAs = roots
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(dialer, "tcp", *addr, conf)
	if err != nil {
		kind := "handshake"
		var verr *tls.CertificateVerificationError
		var nerr *net.OpError
		if errors.As(err, &verr) {
			kind = "verify"
		} else if errors.As(err, &nerr) && nerr.Op == "dial" {
			kind = "dial"
		}
		_ = out.Encode(verdict{Kind: kind, Error: err.Error()})
		return
	}
	state := conn.ConnectionState()
	_ = conn.Close()
	_ = out.Encode(verdict{
		OK:      true,
		Kind:    "ok",
		Version: tls.VersionName(state.Version),
		Cipher:  tls.CipherSuiteName(state.CipherSuite),
	})
}
