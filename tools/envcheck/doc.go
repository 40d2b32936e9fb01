// Package envcheck holds no code, only tests: they check that the other ways of
// getting the notebook environment (docker/Dockerfile, environment.yml) agree
// with scripts/setup.sh, since neither can be built on the development machines,
// that the image runs Jupyter as an unprivileged user, and that every documented
// `docker run` publishes the port on 127.0.0.1 only.
package envcheck
