package viz

import (
	"fmt"
	"html"
	"os"

	"github.com/janpfeifer/gonb/gonbui"
)

// Printf formats like fmt.Printf and shows the text in the notebook through
// the same channel as charts and tables, so it appears exactly where it was
// printed among them. (GoNB forwards a cell's stdout and its displays
// concurrently, and text printed with fmt just before a table can appear
// after it.) Outside a notebook it writes to standard output.
func Printf(format string, a ...any) {
	showText(fmt.Sprintf(format, a...))
}

// Print formats like fmt.Print and shows the text as Printf does.
func Print(a ...any) {
	showText(fmt.Sprint(a...))
}

// Println formats like fmt.Println and shows the text as Printf does.
func Println(a ...any) {
	showText(fmt.Sprintln(a...))
}

func showText(s string) {
	if !gonbui.IsNotebook {
		fmt.Fprint(os.Stdout, s)
		return
	}
	gonbui.DisplayHTML(TextHTML(s))
	gonbui.Sync()
}

// TextClass is the CSS class of the block TextHTML returns.
const TextClass = "susclab-text"

// TextHTML returns s as preformatted HTML: escaped, one trailing newline
// dropped (the block ends the line), in the notebook's monospace font.
func TextHTML(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		s = s[:n-1]
	}
	return `<pre class="` + TextClass + `" style="margin:0;padding:2px 0;background:none;white-space:pre">` +
		html.EscapeString(s) + "</pre>"
}
