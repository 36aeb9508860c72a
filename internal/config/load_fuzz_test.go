package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds the loader arbitrary files, seeded from every fixture in
// testdata (valid and invalid) and the render example. Whatever the input,
// Parse must not panic, every line of an error must name the file, and a
// configuration it accepts must validate again and parse the same way twice.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join(testdataDir, "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, filepath.Join("..", "render", "testdata", "lpops.yaml"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "base: &b {mode: observe}\n"))
	// A merge key that includes its own anchor overflowed the stack before
	// the loader's cycle check.
	f.Add([]byte(minimal + "reward: &r {<<: *r}\n"))
	// Secret references: each parse ties them to its own stores.
	f.Add([]byte(minimal + "api:\n  token_secret: ssm:/lpops/api\nsecrets:\n  vault:\n    address: https://vault.example.com\n    token_env: VAULT_TOKEN\n"))

	const source = "fuzz.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, source)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, source+": ") && !strings.HasPrefix(line, source+":") {
					t.Fatalf("error line %q does not name the file; whole error:\n%v", line, err)
				}
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted a configuration that Validate rejects: %v", err)
		}
		// The whole Config is never marshalled back by lpops (type-specific
		// channel and step fields have no omitempty), so the property is
		// that parsing is a function of the bytes alone.
		again, err := Parse(data, source)
		if err != nil {
			t.Fatalf("the same bytes parsed twice: accepted, then rejected: %v", err)
		}
		if !reflect.DeepEqual(c, again) {
			t.Fatalf("the same bytes parsed twice gave two configurations:\n%+v\n%+v", *c, *again)
		}
	})
}
