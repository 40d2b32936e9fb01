package envcheck

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goVersion is the go directive of go.mod, e.g. "1.26".
func goVersion(t *testing.T) string {
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(read(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	return m[1]
}

// instructions returns the Dockerfile's instructions, continuation lines
// joined and comments dropped.
func instructions(src string) []string {
	var out []string
	cur := ""
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cont := strings.HasSuffix(line, `\`)
		cur += " " + strings.TrimSuffix(line, `\`)
		if !cont {
			out = append(out, strings.Join(strings.Fields(cur), " "))
			cur = ""
		}
	}
	if cur != "" {
		out = append(out, strings.Join(strings.Fields(cur), " "))
	}
	return out
}

func TestDockerfile(t *testing.T) {
	ins := instructions(read(t, "docker/Dockerfile"))
	find := func(prefix string) []string {
		var r []string
		for _, in := range ins {
			if strings.HasPrefix(in, prefix) {
				r = append(r, in)
			}
		}
		return r
	}
	// A pinned Go base image, at least as new as go.mod asks.
	from := find("FROM ")
	if len(from) != 1 {
		t.Fatalf("want one FROM, got %q", from)
	}
	m := regexp.MustCompile(`^FROM golang:(\d+\.\d+)\.\d+(-[a-z]+)?(@sha256:[0-9a-f]{64})?$`).FindStringSubmatch(from[0])
	if m == nil {
		t.Fatalf("base image is not a pinned golang:X.Y.Z tag: %q", from[0])
	}
	if m[1] != goVersion(t) {
		t.Errorf("base image has Go %s, go.mod says %s", m[1], goVersion(t))
	}
	// The repository goes in, and the one set-up script runs.
	if len(find("COPY . ")) == 0 {
		t.Errorf("the repository is not copied into the image (COPY . ...)")
	}
	setup := false
	for _, in := range find("RUN ") {
		if regexp.MustCompile(`(^RUN |&& )(bash )?(\./)?scripts/setup\.sh\b`).MatchString(in) {
			setup = true
		}
	}
	if !setup {
		t.Errorf("no RUN of scripts/setup.sh")
	}
	// JupyterLab is served on the notebooks, on the exposed port.
	if len(find("EXPOSE 8888")) == 0 {
		t.Errorf("port 8888 not exposed")
	}
	cmd := strings.Join(append(find("CMD "), find("ENTRYPOINT ")...), " ")
	for _, want := range []string{"jupyter", "lab", "notebooks", "8888", "0.0.0.0"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("CMD/ENTRYPOINT lacks %q: %s", want, cmd)
		}
	}
}

// parseCondaEnv reads the subset of YAML that environment.yml uses: top-level
// "key: value" lines and "key:" followed by "  - item" lists.
func parseCondaEnv(src string) (map[string][]string, error) {
	out := map[string][]string{}
	key := ""
	for i, raw := range strings.Split(src, "\n") {
		line := raw
		if j := strings.Index(line, "#"); j >= 0 {
			line = line[:j]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		switch {
		case strings.HasPrefix(line, " ") || strings.HasPrefix(line, "-"):
			item, ok := strings.CutPrefix(strings.TrimSpace(line), "- ")
			if !ok || key == "" {
				return nil, fmt.Errorf("environment.yml:%d: want a list item under a key: %q", i+1, raw)
			}
			out[key] = append(out[key], strings.TrimSpace(item))
		case strings.Contains(line, ":"):
			k, v, _ := strings.Cut(line, ":")
			key = strings.TrimSpace(k)
			if v = strings.TrimSpace(v); v != "" {
				out[key] = []string{v}
			} else {
				out[key] = []string{}
			}
		default:
			return nil, fmt.Errorf("environment.yml:%d: not a key or list item: %q", i+1, raw)
		}
	}
	return out, nil
}

func TestEnvironmentYML(t *testing.T) {
	env, err := parseCondaEnv(read(t, "environment.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(env["name"]) != 1 || env["name"][0] == "" {
		t.Errorf("no name")
	}
	if len(env["channels"]) == 0 {
		t.Errorf("no channels")
	}
	pinned := map[string]string{}
	for _, d := range env["dependencies"] {
		name, ver, ok := strings.Cut(d, "=")
		if !ok || ver == "" {
			t.Errorf("dependency %q is not pinned (name=version)", d)
		}
		pinned[strings.TrimSpace(name)] = strings.TrimLeft(ver, "=")
	}
	for _, want := range []string{"jupyterlab", "nbconvert", "go"} {
		if _, ok := pinned[want]; !ok {
			t.Errorf("environment.yml does not name %s", want)
		}
	}
	if v := pinned["go"]; v != "" && !strings.HasPrefix(v, goVersion(t)) {
		t.Errorf("environment.yml has go=%s, go.mod says %s", v, goVersion(t))
	}
}

func TestParseCondaEnvRejectsGarbage(t *testing.T) {
	for _, bad := range []string{
		"name: x\ndependencies:\n  - go=1.26\nnot yaml at all\n",
		"  - go=1.26\n", // a list item under no key
	} {
		if _, err := parseCondaEnv(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
