package main

import "testing"

func TestSecureCookies(t *testing.T) {
	for url, want := range map[string]bool{
		"https://trcr.example.com":  true,
		"http://127.0.0.1:8080":     true,
		"http://localhost:8080":     true,
		"http://[::1]:8080":         true,
		"http://192.168.1.20:8080":  false,
		"http://trcr.internal:8080": false,
	} {
		if got := secureCookies(url); got != want {
			t.Errorf("secureCookies(%q) = %v, want %v", url, got, want)
		}
	}
}
