package bottest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// PDFText turns a PDF back into text with poppler's pdftotext, one
// string per page. Where pdftotext is not installed the test is skipped,
// saying so, or fails under SAMVERKAN_REQUIRE_PDFTOTEXT=1 (CI).
func PDFText(t testing.TB, doc []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("SAMVERKAN_REQUIRE_PDFTOTEXT") == "1" {
			t.Fatal("pdftotext is required (SAMVERKAN_REQUIRE_PDFTOTEXT=1) but not installed: apt-get install poppler-utils")
		}
		t.Skip("SKIPPED: pdftotext is not installed (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
}
