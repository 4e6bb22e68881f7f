//go:build !cgo

package conformance

// withCgo: see cgo.go.
const withCgo = false
