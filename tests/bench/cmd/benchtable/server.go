//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// A server is a worker that is set up once, at a cost far beyond that of
// its measurements (section 3's touched heap), and then answers requests:
// one line in, one "key value" line out.
type server struct {
	cmd    *exec.Cmd
	cancel context.CancelFunc
	in     io.WriteCloser
	out    *bufio.Scanner
	ready  chan error
}

// serverTimeout bounds a server's whole life, its set-up included.
const serverTimeout = 8 * time.Minute

// startServer starts argv; ready reports when it has printed its first
// line ("ready ..."), so that several can set up at once.
func startServer(argv []string) (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), serverTimeout)
	s := &server{cmd: exec.CommandContext(ctx, argv[0], argv[1:]...), cancel: cancel, ready: make(chan error, 1)}
	s.cmd.Stderr = os.Stderr
	s.cmd.WaitDelay = 5 * time.Second
	var err error
	if s.in, err = s.cmd.StdinPipe(); err != nil {
		cancel()
		return nil, err
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	s.out = bufio.NewScanner(stdout)
	if err := s.cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	go func() {
		line, err := s.line()
		if err == nil && !strings.HasPrefix(line, "ready") {
			err = fmt.Errorf("unexpected first line %q", line)
		}
		s.ready <- err
	}()
	return s, nil
}

func (s *server) line() (string, error) {
	if s.out.Scan() {
		return s.out.Text(), nil
	}
	if err := s.out.Err(); err != nil {
		return "", err
	}
	return "", io.ErrUnexpectedEOF
}

// ask sends a request and returns the figure of the answer.
func (s *server) ask(request string) (map[string][]float64, error) {
	if _, err := fmt.Fprintln(s.in, request); err != nil {
		return nil, err
	}
	line, err := s.line()
	if err != nil {
		return nil, err
	}
	key, v, err := parseFigure(line)
	if err != nil {
		return nil, err
	}
	return map[string][]float64{key: {v}}, nil
}

// stop ends the server: end of input is its cue to exit.
func (s *server) stop() error {
	defer s.cancel()
	s.in.Close()
	return s.cmd.Wait()
}
