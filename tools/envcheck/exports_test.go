package envcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exportedAPI lists the exported identifiers of the package in dir that go
// doc shows: types, functions, variables, constants, and methods of
// exported types, leaving out MarshalJSON, UnmarshalJSON, String and Error.
func exportedAPI(t *testing.T, dir string) []string {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	skip := map[string]bool{"MarshalJSON": true, "UnmarshalJSON": true, "String": true, "Error": true}
	var names []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if !d.Name.IsExported() || skip[d.Name.Name] {
						continue
					}
					if d.Recv != nil {
						typ := d.Recv.List[0].Type
						if s, ok := typ.(*ast.StarExpr); ok {
							typ = s.X
						}
						if ix, ok := typ.(*ast.IndexExpr); ok {
							typ = ix.X
						}
						id, ok := typ.(*ast.Ident)
						if !ok || !id.IsExported() {
							continue
						}
						names = append(names, id.Name+"."+d.Name.Name)
						continue
					}
					names = append(names, d.Name.Name)
				case *ast.GenDecl:
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.TypeSpec:
							if s.Name.IsExported() {
								names = append(names, s.Name.Name)
							}
						case *ast.ValueSpec:
							for _, n := range s.Names {
								if n.IsExported() {
									names = append(names, n.Name)
								}
							}
						}
					}
				}
			}
		}
	}
	return names
}

// The core package stays compact: new capabilities go into packages of
// their own.
func TestCoreExportCap(t *testing.T) {
	const limit = 100
	names := exportedAPI(t, filepath.Join("..", "..", "pkg", "susc"))
	if len(names) > limit {
		t.Errorf("pkg/susc exports %d identifiers, more than %d: move the new capability into a package of its own\n%s",
			len(names), limit, strings.Join(names, " "))
	}
	if len(names) < 50 {
		t.Errorf("only %d exported identifiers found in pkg/susc: the count is broken", len(names))
	}
	t.Logf("pkg/susc exports %d identifiers", len(names))
}
