package testenv

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// MinIO is a real MinIO server (`minio server`, built by
// scripts/install-test-tools.sh) on a loopback port with a fresh data
// directory.
type MinIO struct {
	// Endpoint is http://127.0.0.1:PORT; User and Password are the root
	// credentials (MINIO_ROOT_USER, MINIO_ROOT_PASSWORD).
	Endpoint, User, Password string
	Proc                     *Proc
}

// StartMinIO starts MinIO and waits until it answers its liveness check.
// It stops with the test.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	bin := RequireTool(t, "minio")
	m := &MinIO{User: "lpops-test", Password: "lpops-test-secret-0123456789"}
	dir := t.TempDir()
	for attempt := 1; ; attempt++ {
		port := FreePort(t)
		m.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
		m.Proc = StartProc(t, bin, []string{"server", dir, "--address", fmt.Sprintf("127.0.0.1:%d", port),
			"--console-address", fmt.Sprintf("127.0.0.1:%d", FreePort(t)), "--quiet"},
			[]string{"MINIO_ROOT_USER=" + m.User, "MINIO_ROOT_PASSWORD=" + m.Password,
				"MINIO_BROWSER=off", "MINIO_UPDATE=off",
				// The data directory is on the root disk, which MinIO
				// accepts only in its CI mode.
				"MINIO_CI_CD=true"})
		client := &http.Client{Timeout: 2 * time.Second}
		up := poll(60*time.Second, func() bool {
			if m.Proc.Exited() {
				return true
			}
			resp, err := client.Get(m.Endpoint + "/minio/health/live")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
		if up && !m.Proc.Exited() {
			return m
		}
		if attempt == 3 || !m.Proc.Exited() {
			t.Fatalf("minio did not start on %s:\n%s", m.Endpoint, m.Proc.Output())
		}
	}
}
