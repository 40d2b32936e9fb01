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
	copied := false
	for _, in := range find("COPY ") {
		copied = copied || regexp.MustCompile(`^COPY (--\S+ )*\. `).MatchString(in)
	}
	if !copied {
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
	if strings.Contains(cmd, "--allow-root") {
		t.Errorf("CMD/ENTRYPOINT still allows Jupyter to run as root: %s", cmd)
	}
}

// TestDockerfileUnprivileged checks that Jupyter (and the kernel, and every
// cell's program) runs as an unprivileged user made in the image: the last USER
// before CMD/ENTRYPOINT names a user that a RUN creates, not root; the steps
// that need root (apt-get) come before it; the repository is copied to (or
// chowned to) that user, who must write notebooks, the Go caches and GOPATH.
func TestDockerfileUnprivileged(t *testing.T) {
	ins := instructions(read(t, "docker/Dockerfile"))
	user, userAt, cmdAt := "", -1, -1
	for i, in := range ins {
		switch {
		case strings.HasPrefix(in, "USER "):
			user, userAt = strings.Fields(in)[1], i
		case strings.HasPrefix(in, "CMD ") || strings.HasPrefix(in, "ENTRYPOINT "):
			if cmdAt < 0 {
				cmdAt = i
			}
		}
	}
	if userAt < 0 {
		t.Fatal("no USER instruction: Jupyter runs as root")
	}
	name, _, _ := strings.Cut(user, ":")
	if name == "root" || name == "0" {
		t.Fatalf("USER %s is root", user)
	}
	if cmdAt < 0 || userAt > cmdAt {
		t.Errorf("USER %s does not come before CMD/ENTRYPOINT", user)
	}
	created, owned := false, false
	for i, in := range ins {
		if strings.HasPrefix(in, "RUN ") {
			if regexp.MustCompile(`\b(useradd|adduser)\b[^&;]*\s` + regexp.QuoteMeta(name) + `(\s|$)`).MatchString(in) {
				created = created || i < userAt
			}
			if strings.Contains(in, "apt-get") && i > userAt {
				t.Errorf("apt-get after USER %s (needs root): %s", user, in)
			}
			if regexp.MustCompile(`\bchown\b[^&;]*\b` + regexp.QuoteMeta(name) + `\b[^&;]*/work/susclab`).MatchString(in) {
				owned = true
			}
		}
		if strings.HasPrefix(in, "COPY ") && strings.Contains(in, " . ") &&
			regexp.MustCompile(`--chown=`+regexp.QuoteMeta(name)+`\b`).MatchString(in) {
			owned = true
		}
	}
	if !created {
		t.Errorf("no RUN useradd/adduser %s before USER %s", name, user)
	}
	if !owned {
		t.Errorf("the repository is not given to %s (COPY --chown=%s . ... or chown)", name, name)
	}
	// GOPATH (/go in the golang image: the module cache, where GoNB's `go get`
	// writes) must be the user's too, or live in its home.
	gopath := false
	for _, in := range ins {
		gopath = gopath ||
			strings.HasPrefix(in, "RUN ") && regexp.MustCompile(`\bchown\b[^&;]*\b`+regexp.QuoteMeta(name)+`\b[^&;]*\s/go(\s|/?$)`).MatchString(in) ||
			regexp.MustCompile(`^ENV .*\bGO(PATH|MODCACHE)=/home/`+regexp.QuoteMeta(name)+`\b`).MatchString(in)
	}
	if !gopath {
		t.Errorf("GOPATH /go is not given to %s (chown -R %s /go, or ENV GOPATH under its home)", name, name)
	}
	// The root step installs the Debian packages; the user's own run of
	// setup.sh writes the kernel spec under its home.
	userSetup := false
	for _, in := range ins[userAt+1:] {
		if strings.HasPrefix(in, "RUN ") && regexp.MustCompile(`(^RUN |&& )(bash )?(\./)?scripts/setup\.sh\b`).MatchString(in) {
			userSetup = true
		}
	}
	if !userSetup {
		t.Errorf("scripts/setup.sh does not run as %s (the gonb kernel spec is per user)", name)
	}
}

// dockerRunPublish finds every `docker run` command in text (a line, or a
// line and its continuation lines) and returns the values of its -p and
// --publish options.
func dockerRunPublish(text string) (runs int, publish []string) {
	text = strings.ReplaceAll(text, "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		for _, m := range regexp.MustCompile(`docker\s+run\b[^`+"`"+`\n]*`).FindAllString(line, -1) {
			runs++
			f := strings.Fields(m)
			for i, a := range f {
				switch {
				case (a == "-p" || a == "--publish") && i+1 < len(f):
					publish = append(publish, f[i+1])
				case strings.HasPrefix(a, "--publish="):
					publish = append(publish, strings.TrimPrefix(a, "--publish="))
				case strings.HasPrefix(a, "-p") && len(a) > 2 && a[2] != '-':
					publish = append(publish, strings.TrimPrefix(a[2:], "="))
				}
			}
		}
	}
	return runs, publish
}

func TestDockerRunPublishParsing(t *testing.T) {
	runs, p := dockerRunPublish("`docker build . && docker run --rm -p 8888:8888 x`, then\n" +
		"    docker run --rm \\\n      --publish=127.0.0.1:9:9 -p127.0.0.1:8:8 x\n")
	if runs != 2 || strings.Join(p, ",") != "8888:8888,127.0.0.1:9:9,127.0.0.1:8:8" {
		t.Errorf("runs %d, publish %q", runs, p)
	}
}

// TestDockerRunLoopback checks that every documented `docker run` publishes
// Jupyter's port on the loopback interface only: a bare -p 8888:8888 opens it
// on every interface of the host (and Docker's rules bypass the host's
// firewall), to anyone who gets the token.
func TestDockerRunLoopback(t *testing.T) {
	var files []string
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "build" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		ext := filepath.Ext(path)
		if !d.IsDir() && (ext == ".md" || ext == ".sh" || ext == ".ipynb" || strings.HasPrefix(d.Name(), "Dockerfile")) {
			rel, _ := filepath.Rel(root, path)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		runs, publish := dockerRunPublish(read(t, f))
		if runs > 0 {
			seen[f] = true
		}
		for _, p := range publish {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s: docker run -p %s publishes on every host interface; use -p 127.0.0.1:%s", f, p, p)
			}
		}
		if runs > 0 && len(publish) == 0 {
			t.Errorf("%s: a docker run publishes no port", f)
		}
	}
	for _, f := range []string{"README.md", "docker/Dockerfile"} {
		if !seen[f] {
			t.Errorf("%s shows no docker run command", f)
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
