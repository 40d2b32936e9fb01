// Package envcheck holds no code, only tests: they check that the other ways of
// getting the notebook environment (docker/Dockerfile, environment.yml) agree
// with scripts/setup.sh, since neither can be built on the development machines.
package envcheck
