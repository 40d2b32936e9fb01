package envcheck

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The project's mathematics lives in docs/theory.md, and code, README and
// notebooks cite its sections in one form: "docs/theory.md §6.4" (several:
// "docs/theory.md §4.3, §9.5" or "… §3.1 and §9.3"), in markdown as a link
// [docs/theory.md §6.4](../docs/theory.md#64-closing-the-loop). Nothing may
// cite files outside the repository.

var (
	headingRe = regexp.MustCompile(`(?m)^(##|###) (\d+(?:\.\d+)?)\.? (.+)$`)
	// citeRe matches a canonical citation and the markdown link around it.
	citeRe = regexp.MustCompile(`docs/theory\.md (§\d+(?:\.\d+)?(?:(?:, | and )§\d+(?:\.\d+)?)*)(\]\(([^)\s]*)\))?`)
	secRe  = regexp.MustCompile(`§(\d+(?:\.\d+)?)`)
	// anyRe finds every mention that must be canonical, bare section signs
	// included.
	anyRe = regexp.MustCompile(`(?i:theory\.md)|THEORY\b|§\s*\d`)
	// outsideRe finds paths that leave the repository: two or more levels
	// up (no file here is deep enough to need them) or the machine's work
	// area other than the repository's own place in the container.
	outsideRe = regexp.MustCompile(`(?:\.\./){2,}|/work/(?:[^s]|s[^u]|su[^s])`)
)

// theorySections returns the GitHub anchor of every numbered section of
// docs/theory.md, by number.
func theorySections(doc string) map[string]string {
	secs := map[string]string{}
	for _, m := range headingRe.FindAllStringSubmatch(doc, -1) {
		secs[m[2]] = slug(m[2] + " " + m[3])
	}
	return secs
}

// slug is GitHub's heading anchor: lower case, punctuation dropped, spaces
// to hyphens.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127 && !strings.ContainsRune("·—–’×⁺→≥≤", r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkCitations returns a description of every bad citation in text: a
// mention of the theory notes not in canonical form, a section that does
// not exist, a markdown link whose target is not the cited section, or a
// reference to a file outside the repository. linkPrefix is the relative
// path from the file to docs/theory.md for markdown links.
func checkCitations(text string, secs map[string]string, linkPrefix string) []string {
	var bad []string
	var spans [][]int
	for _, m := range citeRe.FindAllStringSubmatchIndex(text, -1) {
		cite := text[m[0]:m[1]]
		spans = append(spans, m[:2])
		nums := secRe.FindAllStringSubmatch(text[m[2]:m[3]], -1)
		for _, n := range nums {
			if _, ok := secs[n[1]]; !ok {
				bad = append(bad, fmt.Sprintf("%q: no section %s in docs/theory.md", cite, n[1]))
			}
		}
		if m[6] >= 0 {
			if target, want := text[m[6]:m[7]], linkPrefix+"#"+secs[nums[0][1]]; target != want {
				bad = append(bad, fmt.Sprintf("%q: link target %s, want %s", cite, target, want))
			}
		}
	}
	for _, m := range anyRe.FindAllStringIndex(text, -1) {
		inside := false
		for _, s := range spans {
			inside = inside || (m[0] >= s[0] && m[1] <= s[1])
		}
		if !inside {
			bad = append(bad, fmt.Sprintf("%q: not a canonical citation (docs/theory.md §N.M)", text[max(0, m[0]-10):min(len(text), m[1]+20)]))
		}
	}
	for _, m := range outsideRe.FindAllStringIndex(text, -1) {
		bad = append(bad, fmt.Sprintf("%q: refers to a file outside the repository", text[m[0]:m[1]]))
	}
	return bad
}

// repoText returns the text of every source and documentation file of the
// repository, notebooks as their cells' sources, by path.
func repoText(t *testing.T) map[string]string {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "build", "node_modules", "assets":
				return filepath.SkipDir
			}
			return nil
		}
		if rel == filepath.Join("tools", "envcheck", "theoryrefs_test.go") || rel == filepath.Join("docs", "theory.md") ||
			rel == filepath.Join("pkg", "lm", "corpus", "gosrc.txt") { // third-party text, the model's corpus
			return nil
		}
		ext := filepath.Ext(path)
		switch ext {
		case ".go", ".md", ".py", ".sh", ".yml", ".yaml", ".ipynb", ".txt":
		default:
			if !strings.HasPrefix(d.Name(), "Dockerfile") && d.Name() != "run" {
				return nil
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ext == ".ipynb" {
			var nb struct {
				Cells []struct {
					Source []string `json:"source"`
				} `json:"cells"`
			}
			if err := json.Unmarshal(b, &nb); err != nil {
				return fmt.Errorf("%s: %v", rel, err)
			}
			var s strings.Builder
			for _, c := range nb.Cells {
				s.WriteString(strings.Join(c.Source, ""))
				s.WriteString("\n")
			}
			b = []byte(s.String())
		}
		out[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTheoryCitationsResolve(t *testing.T) {
	doc := read(t, "docs/theory.md")
	secs := theorySections(doc)
	if len(secs) < 40 {
		t.Fatalf("docs/theory.md: only %d numbered sections found", len(secs))
	}
	files := repoText(t)
	n := 0
	for rel, text := range files {
		prefix := strings.Repeat("../", strings.Count(rel, string(filepath.Separator))) + "docs/theory.md"
		for _, b := range checkCitations(text, secs, prefix) {
			t.Errorf("%s: %s", rel, b)
		}
		n += len(citeRe.FindAllString(text, -1))
	}
	// Sections cited inside the notes themselves ("§3.2") must exist too.
	for _, m := range secRe.FindAllStringSubmatch(doc, -1) {
		if _, ok := secs[m[1]]; !ok {
			t.Errorf("docs/theory.md cites §%s, which it does not have", m[1])
		}
	}
	if n < 50 {
		t.Errorf("only %d citations of docs/theory.md found in %d files; the walk misses files", n, len(files))
	}
	t.Logf("%d citations in %d files, %d sections", n, len(files), len(secs))
}

// The checker catches each kind of bad citation (and passes good ones).
func TestCheckCitationsCatches(t *testing.T) {
	secs := theorySections("## 1. The posterior\n### 1.2 The localized tempered posterior\n## 6. Patterning\n### 6.4 Closing the loop\n")
	for _, c := range []struct {
		text string
		bad  int
	}{
		{"see docs/theory.md §6.4 and more", 0},
		{"see docs/theory.md §1.2, §6.4.", 0},
		{"see [docs/theory.md §6.4](../docs/theory.md#64-closing-the-loop).", 0},
		{"see docs/theory.md §6.5", 1},                                        // no such section
		{"see docs/theory.md §1.2 and §7", 1},                                 // second one missing
		{"see " + strings.ToUpper("theory") + ".md §5", 2},                    // old form, and its bare §
		{"see theory.md §6.4", 2},                                             // not docs/, and its bare §
		{"see [docs/theory.md §6.4](../docs/theory.md#61-wrong).", 1},         // wrong anchor
		{"see docs/theory.md section 6", 1},                                   // no §
		{"as in §6.4 above", 1},                                               // bare section sign
		{"background in ../../notes/" + strings.ToUpper("theory") + ".md", 2}, // outside, and old form
		{"background in /work/notes.md", 1},                                   // outside
		{"see [docs/theory.md §1.2](../docs/theory.md#12-the-localized-tempered-posterior)", 0},
	} {
		if got := checkCitations(c.text, secs, "../docs/theory.md"); len(got) != c.bad {
			t.Errorf("%q: %d problems %q, want %d", c.text, len(got), got, c.bad)
		}
	}
}
