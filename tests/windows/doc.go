// Package windowstest is the Windows suite: the conformance specs on the
// handle backend, and what only Windows has. It is cross-compiled with
// mingw-w64 and run under Wine by ./build.sh test (see wine/run.sh); on
// other systems it has no files to build.
package windowstest
