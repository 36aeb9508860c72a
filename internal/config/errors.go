package config

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrUnknownKey is matched (errors.Is) by the error for a key Config does not
// have: usually a typo, which strict decoding turns into an error instead of a
// setting silently left at its default.
var ErrUnknownKey = errors.New("unknown key")

// ValidationError is one invalid setting: the dotted key path (rpc[1].url,
// reward.max_fee_gwei), the offending value as written, and what is wrong.
// Value is empty when there is nothing useful or safe to show; values that may
// hold secrets (endpoint URLs beyond scheme://host[:port], passphrases) are
// never put in it.
type ValidationError struct {
	Field string
	Value string
	Msg   string
}

// Error formats the problem as "<field>: <msg> (got <value>)", the value
// quoted so empty strings and spaces are visible.
func (e *ValidationError) Error() string {
	if e.Value == "" {
		return e.Field + ": " + e.Msg
	}
	return fmt.Sprintf("%s: %s (got %q)", e.Field, e.Msg, e.Value)
}

// unknownKeyError is a key that no field of Config carries. Suggest is the
// known key at that level it most likely misspells, or "".
type unknownKeyError struct{ path, suggest string }

func (e *unknownKeyError) Error() string {
	if e.suggest != "" {
		return fmt.Sprintf("unknown key %s (did you mean %s?)", e.path, e.suggest)
	}
	return "unknown key " + e.path
}
func (e *unknownKeyError) Is(target error) bool { return target == ErrUnknownKey }

// lineError places an error at a line and column of the file, as compilers
// do (line:column: message), so editors can jump to it.
type lineError struct {
	line, col int
	err       error
}

func (e *lineError) Error() string { return fmt.Sprintf("%d:%d: %v", e.line, e.col, e.err) }
func (e *lineError) Unwrap() error { return e.err }

// at places err at node n.
func at(n *yaml.Node, err error) *lineError { return &lineError{n.Line, n.Column, err} }

// sourceError names the file an error came from. Joined errors print one per
// line, and each line gets the prefix, as compilers do, so every line can be
// read (or grepped) on its own.
type sourceError struct {
	source string
	err    error
}

func (e *sourceError) Error() string {
	lines := strings.Split(e.err.Error(), "\n")
	for i, l := range lines {
		if positioned(l) {
			lines[i] = e.source + ":" + l // file:line:column: message
		} else {
			lines[i] = e.source + ": " + l
		}
	}
	return strings.Join(lines, "\n")
}

func (e *sourceError) Unwrap() error { return e.err }

// positioned reports whether an error line starts with line:column: or
// line N: (yaml.v3's own syntax errors).
func positioned(l string) bool {
	i := 0
	for i < len(l) && '0' <= l[i] && l[i] <= '9' {
		i++
	}
	return i > 0 && strings.HasPrefix(l[i:], ":")
}

// InSource prefixes every line of err with the file it came from, as Parse
// does (file:line:column: for a placed error, file: otherwise).
func InSource(source string, err error) error { return inSource(source, err) }

// inSource wraps err with the name of the file it came from.
func inSource(source string, err error) error {
	if source == "" || err == nil {
		return err
	}
	return &sourceError{source: source, err: err}
}
