package config

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Limits on what anchors and aliases may expand to. A configuration is a few
// hundred values deep and wide; these stop a file that refers to itself
// (reward: &r {<<: *r}) or that multiplies an anchor through nested aliases
// ("billion laughs") before anything walks or decodes it.
const (
	maxYAMLDepth  = 100     // nesting of mappings and lists, aliases followed
	maxYAMLValues = 100_000 // values visited with every alias expanded
)

// checkAliases walks the tree as a decoder would, following aliases, and
// reports the first alias that refers to an anchor containing it, and a tree
// nested or expanded beyond the limits above. It stops at the first problem:
// past a cycle, nothing else in the file can be walked safely.
func checkAliases(root *yaml.Node) error {
	w := aliasWalker{open: map[*yaml.Node]bool{}}
	return w.walk(root, 0)
}

type aliasWalker struct {
	open   map[*yaml.Node]bool // nodes being walked, from the root down
	outer  *yaml.Node          // the outermost alias being expanded, named in errors
	values int
}

func (w *aliasWalker) walk(n *yaml.Node, depth int) error {
	if n == nil {
		return nil
	}
	if w.values++; w.values > maxYAMLValues {
		if w.outer == nil {
			return at(n, fmt.Errorf("more than %d values", maxYAMLValues))
		}
		return at(w.outer, fmt.Errorf("alias *%s: aliases expand to more than %d values", w.outer.Value, maxYAMLValues))
	}
	if depth > maxYAMLDepth {
		return at(n, fmt.Errorf("nested more than %d levels deep", maxYAMLDepth))
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil
		}
		if w.open[n.Alias] {
			return at(n, fmt.Errorf("alias *%s refers to anchor &%s (line %d) that contains it", n.Value, n.Alias.Anchor, n.Alias.Line))
		}
		if w.outer == nil {
			w.outer = n
			defer func() { w.outer = nil }()
		}
		return w.walk(n.Alias, depth)
	}
	w.open[n] = true
	defer delete(w.open, n)
	for _, c := range n.Content {
		if err := w.walk(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}
