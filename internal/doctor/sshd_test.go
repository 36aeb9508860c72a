package doctor

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseSSHDConfig(t *testing.T) {
	tests := []struct {
		dir string
		// want maps a keyword to "value@file:line" (file relative to dir),
		// "value@default" for one left unset.
		want  map[string]string
		match map[string][]string
	}{
		{dir: "hardened", want: map[string]string{
			"permitrootlogin":              "no@sshd_config.d/00-lpops.conf:1",
			"passwordauthentication":       "no@sshd_config.d/50-cloud-init.conf:1", // the main file's later yes loses
			"kbdinteractiveauthentication": "no@sshd_config:6",
			"usepam":                       "yes@sshd_config:7",
		}},
		{dir: "ubuntu-default", want: map[string]string{
			"permitrootlogin":        "prohibit-password@default",
			"passwordauthentication": "yes@sshd_config.d/50-cloud-init.conf:1",
		}},
		{dir: "match-override", want: map[string]string{
			"permitrootlogin":        "no@sshd_config:1",
			"passwordauthentication": "no@sshd_config:2",
		}, match: map[string][]string{
			"passwordauthentication": {"yes@sshd_config:6"},
			"permitrootlogin":        {"no@sshd_config:7"},
		}},
		{dir: "equals-syntax", want: map[string]string{
			"permitrootlogin":              "yes@sshd_config:1",
			"passwordauthentication":       "no@sshd_config:2",
			"kbdinteractiveauthentication": "yes@sshd_config:3", // from ChallengeResponseAuthentication
			"usepam":                       "yes@sshd_config:4",
		}},
	}
	for _, tt := range tests {
		t.Run(subtestName(tt.dir), func(t *testing.T) {
			dir := "testdata/sshd/" + tt.dir
			c, err := parseSSHDConfig(dir + "/sshd_config")
			if err != nil {
				t.Fatal(err)
			}
			show := func(s sshdSetting) string {
				return s.Value + "@" + strings.TrimPrefix(s.Where, dir+"/")
			}
			for k, want := range tt.want {
				if got := show(c.get(k)); got != want {
					t.Errorf("%s = %s, want %s", k, got, want)
				}
			}
			for k, want := range tt.match {
				var got []string
				for _, s := range c.Match[k] {
					got = append(got, show(s))
				}
				if !slices.Equal(got, want) {
					t.Errorf("Match %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestSplitSSHDLine(t *testing.T) {
	tests := []struct{ line, key, value string }{
		{"PermitRootLogin no", "permitrootlogin", "no"},
		{"PermitRootLogin\tno", "permitrootlogin", "no"},
		{"PermitRootLogin=no", "permitrootlogin", "no"},
		{"PermitRootLogin = no", "permitrootlogin", "no"},
		{`Banner "/etc/issue net"`, "banner", "/etc/issue net"},
		{"Include /etc/ssh/sshd_config.d/*.conf a.conf", "include", "/etc/ssh/sshd_config.d/*.conf a.conf"},
		{"UsePAM", "usepam", ""},
	}
	for _, tt := range tests {
		if k, v := splitSSHDLine(tt.line); k != tt.key || v != tt.value {
			t.Errorf("splitSSHDLine(%q) = %q, %q; want %q, %q", tt.line, k, v, tt.key, tt.value)
		}
	}
}

func TestSSHD(t *testing.T) {
	failing := runnerAnswer{err: errors.New("sshd -T: exit status 1: sshd: no hostkeys available -- exiting.")}
	tests := []struct {
		name   string
		config string // directory under testdata/sshd
		runner fakeRunner
		want   []string
		texts  []string
	}{
		{name: "Hardened", config: "hardened", want: []string{"sshd.root_login=pass", "sshd.password_auth=pass"}},
		{name: "UbuntuDefault", config: "ubuntu-default",
			want:  []string{"sshd.root_login=warn", "sshd.password_auth=fail"},
			texts: []string{"PermitRootLogin prohibit-password (default", `put "PasswordAuthentication no" in testdata/sshd/ubuntu-default/sshd_config.d/00-lpops.conf`}},
		{name: "MatchReenablesPasswords", config: "match-override",
			want:  []string{"sshd.root_login=pass", "sshd.password_auth=warn"},
			texts: []string{"a Match block at testdata/sshd/match-override/sshd_config:6 sets PasswordAuthentication yes"}},
		{name: "RootYesAndPAMPasswords", config: "equals-syntax",
			want:  []string{"sshd.root_login=fail", "sshd.password_auth=warn"},
			texts: []string{"root may log in", "lets PAM ask for a password"}},
		{name: "SSHDTestWins", config: "ubuntu-default",
			runner: fakeRunner{"sshd -T": {out: "port 22\npermitrootlogin no\npasswordauthentication no\nkbdinteractiveauthentication no\nusepam yes\n"}},
			want:   []string{"sshd.root_login=pass", "sshd.password_auth=pass"},
			texts:  []string{"from sshd -T"}},
		{name: "SSHDTestFailsFilesRead", config: "hardened", runner: fakeRunner{"sshd -T": failing},
			want:  []string{"sshd.root_login=pass", "sshd.password_auth=pass"},
			texts: []string{"no hostkeys available"}},
		{name: "NotInstalled", config: "none", want: []string{"sshd.root_login=skip", "sshd.password_auth=skip"}},
		{name: "InstalledWithoutConfig", config: "none", runner: fakeRunner{"sshd -T": failing},
			want: []string{"sshd.root_login=warn", "sshd.password_auth=warn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := fixtureSystem(t.TempDir())
			sys.SSHDConfig = "testdata/sshd/" + tt.config + "/sshd_config"
			if tt.runner != nil {
				sys.Run = tt.runner.run
			}
			got := runOnly(t, testConfig(t, ""), sys, Options{}, CheckSSHRootLogin, CheckSSHPassword)
			if !slices.Equal(statuses(got), tt.want) {
				t.Fatalf("findings %q, want %q\n%+v", statuses(got), tt.want, got)
			}
			all := got[0].Evidence + " | " + got[0].Fix + " | " + got[1].Evidence + " | " + got[1].Fix
			for _, s := range tt.texts {
				if !strings.Contains(all, s) {
					t.Errorf("findings lack %q:\n%s", s, all)
				}
			}
		})
	}
}

// subtestName turns "match-override" into "MatchOverride".
func subtestName(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
