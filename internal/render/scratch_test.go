package render

import (
	"os"
	"testing"
	"path/filepath"

	"github.com/lpops/lpops/internal/config"
)

func TestScratch(t *testing.T) {
	data, _ := os.ReadFile("testdata/lpops.yaml")
	c, err := config.Parse(data, "testdata/lpops.yaml")
	if err != nil { t.Fatal(err) }
	files, err := Render(c, Options{Source: "testdata/lpops.yaml"})
	if err != nil { t.Fatal(err) }
	os.RemoveAll("/tmp/rout")
	if _, err := WriteDir("/tmp/rout", files, false); err != nil { t.Fatal(err) }
	_ = filepath.Join
}
