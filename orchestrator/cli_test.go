package orchestrator

// Out-of-process tests: the real binary, killed with SIGKILL at chosen moments, then
// resumed.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/model/fakeapi"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

var binary string // built once by TestMain

func TestMain(m *testing.M) { testkit.RunWithBinary(m, &binary) }

// runBinary runs `orchestrator args...` in dir and returns its exit code and output.
func runBinary(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// dispatches counts, from the ledger, how often each item was dispatched.
func dispatches(t *testing.T, root string) map[string]int {
	t.Helper()
	count := map[string]int{}
	_, err := store.New(root).ReadLedger(func(raw json.RawMessage) error {
		var e Event
		if json.Unmarshal(raw, &e) == nil && e.Kind == EventItemDispatched {
			count[e.Item]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return count
}

// TestKilledMissionsResume: a mission against the fake OpenAI server (a test double of the
// remote API) is killed with SIGKILL while the planner works, and again while workers
// run; each time `task --resume` continues it, and the second resume seals it with the
// scripted model without redoing the finished item.
func TestKilledMissionsResume(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	plan := testkit.DemoPlan(t)
	correctCart := "package cart\n\n// Total sums the prices.\nfunc Total(prices []int) int {\n\tsum := 0\n\tfor _, p := range prices {\n\t\tsum += p\n\t}\n\treturn sum\n}\n"
	blocked := make(chan string, 10)
	var planning atomic.Bool // the planner's first request hangs; later ones plan
	planning.Store(true)
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		text := r.Text()
		switch {
		case strings.Contains(text, "You are the planner") && planning.Load():
			blocked <- "planner"
			return fakeapi.Reply{StallAfter: true, Text: "thinking"}
		case strings.Contains(text, "You are the planner"):
			args, _ := json.Marshal(map[string]string{"markdown": plan})
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: string(args)}, {ID: "f", Name: "finish", Args: `{"summary": "planned"}`}}}
		case strings.Contains(text, "T1: CREATE"):
			args, _ := json.Marshal(map[string]string{"path": "cart/cart.go", "content": correctCart})
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "w", Name: "write_file", Args: string(args)}, {ID: "f", Name: "finish", Args: `{"summary": "cart"}`}}}
		default: // T2 and T3: hang until the process dies
			blocked <- "worker"
			return fakeapi.Reply{StallAfter: true, Text: "working"}
		}
	})
	env := []string{"OPENAI_API_KEY=sk-test-key-for-the-double", "OPENAI_BASE_URL=" + srv.URL}

	killWhen := func(what string, args ...string) {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Env = root, append(os.Environ(), env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for got := range blocked {
			if got == what {
				break
			}
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
			t.Fatal(err)
		}
		_ = cmd.Wait()
	}

	// 1. Killed while planning: no plan yet; the state says planning.
	killWhen("planner", "task", "--model", "openai/fake", "Add a cart")
	if st, err := store.New(root).State(); err != nil || st.State != store.StatePlanning {
		t.Fatalf("state after a kill while planning: %+v %v", st, err)
	}

	// 2. Resumed, killed while T2 or T3 runs. T1 is done on disk: its dependents start only
	// once its end is written. T2 and T3 are not done; their in-progress marks may not be
	// in the file yet (they are written while the workers start).
	planning.Store(false)
	killWhen("worker", "task", "--resume")
	todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md"))
	if !strings.Contains(string(todo), "- [x] T1:") || strings.Contains(string(todo), "- [x] T2:") || strings.Contains(string(todo), "- [x] T3:") {
		t.Fatalf("todo.md after a kill with workers running:\n%s", todo)
	}

	// 3. Resumed with the scripted model, which has no turn for T1: redoing it would fail.
	script := model.Script{}
	full, _ := os.ReadFile("testdata/demo/script.json")
	_ = json.Unmarshal(full, &script)
	var turns []model.ScriptTurn
	for _, turn := range script.Turns {
		if turn.Item == "T2" || turn.Item == "T3" {
			turns = append(turns, turn)
		}
	}
	spec := writeScript(t, t.TempDir(), model.Script{Turns: turns})
	code, stdout, stderr := runBinary(t, root, env, "task", "--resume", "--model", spec)
	if code != ExitSealed || !strings.Contains(stdout, "State: SEALED") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if dispatched := dispatches(t, root); dispatched["T1"] != 1 {
		t.Errorf("T1 was dispatched %d times across the kills", dispatched["T1"])
	}
	if data, _ := os.ReadFile(filepath.Join(root, "cart/cart.go")); string(data) != correctCart {
		t.Errorf("cart.go changed after T1 finished:\n%s", data)
	}
}

func TestTaskCommandLine(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"task"}, ExitUsage, "give an objective, or --resume"},
		{[]string{"task", "--resume", "also an objective"}, ExitUsage, "takes no objective"},
		{[]string{"task", "--approve", "maybe", "x"}, ExitUsage, `--approve "maybe"`},
		{[]string{"task", "--model", "gpt-4", "x"}, ExitUsage, "want provider/model"},
		{[]string{"task", "--resume", "--model", "scripted/none.json"}, ExitUsage, "no unfinished mission"},
		{[]string{"status", "--format", "json"}, 0, ""},
	}
	for _, c := range cases {
		code, stdout, stderr := runBinary(t, dir, []string{"OPENAI_API_KEY="}, c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, stderr)
		}
		if c.code == ExitUsage && stdout != "" {
			t.Errorf("%v: usage errors belong on stderr; stdout %q", c.args, stdout)
		}
		if c.args[0] == "status" && !strings.Contains(stdout, `"state": "none"`) {
			t.Errorf("status of an empty workspace: %s", stdout)
		}
	}
}

// TestStatusOfAPlanWithoutAMission: a plan written by hand, before any mission, is
// "not started", and status says how to run it.
func TestStatusOfAPlanWithoutAMission(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{".opencode/todo.md": "- [x] T1: notes | file:notes.txt\n- [ ] T2: more | file:more.txt\n"})
	_, text, _ := runBinary(t, dir, nil, "status")
	want := "State: NOT STARTED\nTodo: 1/2 done, 0 in progress\n"
	if !strings.HasPrefix(text, want) || !strings.HasSuffix(text, "Start it with `orchestrator task \"objective\"`: the plan in .opencode/todo.md runs as it is written.\n") {
		t.Errorf("status:\n%s\nwant it to begin %q and say how to start", text, want)
	}
	if _, data, _ := runBinary(t, dir, nil, "status", "--format", "json"); !strings.Contains(data, `"state": "none"`) {
		t.Errorf("status --format json:\n%s", data)
	}
}

// TestOutputThatCannotBeWrittenIsAnError: stdout on a full disk (/dev/full). A status or
// a check whose output is lost exits 2 and says why on stderr rather than succeed; a
// mission keeps the exit code of how it ended (here sealed), and says the report is lost.
func TestOutputThatCannotBeWrittenIsAnError(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"notes.txt": "notes\n", ".opencode/todo.md": "- [x] T1: notes | file:notes.txt\n"})
	spec := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{
		{Role: "planner", Calls: []model.ScriptCall{call("finish", map[string]string{"summary": "the plan stands"})}},
	}})
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"status", "--format", "json"}, 0},
		{[]string{"check"}, 0},
		{[]string{"task", "--model", spec, "notes"}, ExitSealed},
		{[]string{"status"}, 0},
	} {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(binary, c.args...)
		var stderr bytes.Buffer
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, full, &stderr
		err = cmd.Run()
		full.Close()
		code := 0
		if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		want := ExitUsage
		if c.args[0] == "task" {
			want = c.code
		}
		if code != want || !strings.Contains(stderr.String(), "no space left on device") {
			t.Errorf("%v with its output lost: exit %d, want %d; stderr %q", c.args, code, want, stderr.String())
		}
		// The same with an output that takes it: the exit code of the subcommand's result.
		if code, _, stderr := runBinary(t, dir, nil, c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d; stderr %q", c.args, code, c.code, stderr)
		}
	}
}

// TestInterruptStopsCleanly: Ctrl-C while workers run cancels their sessions, puts their
// items back to pending, saves the state and exits 130.
func TestInterruptStopsCleanly(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	plan := testkit.DemoPlan(t)
	blocked := make(chan struct{}, 10)
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "You are the planner") {
			args, _ := json.Marshal(map[string]string{"markdown": plan})
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: string(args)}, {ID: "f", Name: "finish", Args: `{"summary": "planned"}`}}}
		}
		blocked <- struct{}{}
		return fakeapi.Reply{StallAfter: true, Text: "working"}
	})
	cmd := exec.Command(binary, "task", "--model", "openai/fake", "Add a cart")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "OPENAI_API_KEY=sk-test-key-for-the-double", "OPENAI_BASE_URL="+srv.URL)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-blocked // T1's worker is talking to the model
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != ExitInterrupted {
		t.Fatalf("exit: %v", err)
	}
	todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md"))
	if strings.Contains(string(todo), "[/]") || !strings.Contains(string(todo), "- [ ] T1:") {
		t.Errorf("todo.md after the interrupt:\n%s", todo)
	}
	st, _ := store.New(root).State()
	if st == nil || st.State != store.StateStopped || st.StopReason != ReasonInterrupted {
		t.Errorf("state %+v", st)
	}
	if !strings.Contains(stdout.String(), "State: STOPPED (interrupted)") || strings.Contains(stdout.String(), "Failing items") {
		t.Errorf("report (a cancelled worker is not a failing item):\n%s", stdout.String())
	}
	// The stopped mission continues with --resume (here with the scripted model).
	code, out, stderr := runBinary(t, root, nil, "task", "--resume", "--model", testkit.DemoModel())
	if code != ExitSealed {
		t.Errorf("resume after the interrupt: exit %d\n%s\n%s", code, out, stderr)
	}
}

// TestAFullDiskStopsTheMissionUntilThereIsSpace: the workspace is on a nearly full file
// system (a 1 MiB tmpfs, mounted in a mount namespace of the test's own). T1's worker, or
// the planner, writes more than is left, and the write fails with ENOSPC half-way. The
// mission stops at once, with the reason and T1 to do again, without asking the model
// again (its script has one turn of each per process), without running the build on the
// full disk, and without leaving a partial file; once space is freed, --resume seals.
func TestAFullDiskStopsTheMissionUntilThereIsSpace(t *testing.T) {
	const item = "- [ ] T1: CREATE `data/table.csv` | file:data/table.csv\n"
	table := strings.Repeat("sku,price\n", 20<<10) // 200 KiB, where 128 KiB are left
	worker := model.ScriptTurn{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
		call("write_file", map[string]string{"path": "data/table.csv", "content": table}),
		call("finish", map[string]string{"summary": "the table"}),
	}}
	for _, c := range []struct {
		name, plan, wantReason string
		planner                []model.ScriptCall
	}{
		{name: "a worker's write", plan: item, wantReason: "T1's write_file: write data/table.csv: no space left on device"},
		{name: "the planner's plan", planner: []model.ScriptCall{
			call("write_plan", map[string]string{"markdown": "# The table\n\n" + strings.Repeat("Notes on prices.\n", 12<<10) + "\n" + item}),
			call("finish", map[string]string{"summary": "planned"}),
		}, wantReason: "the planner's write_plan: write "},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			seed := map[string]string{"seed/.opencode/orchestrator.json": `{"commands": {"build": "echo build >> \"$OUT/builds\""}}`}
			script := model.Script{Turns: []model.ScriptTurn{worker}}
			if c.plan != "" {
				seed["seed/.opencode/todo.md"] = c.plan
			} else {
				script.Turns = append(script.Turns, model.ScriptTurn{Role: "planner", Calls: c.planner})
			}
			writeFiles(t, out, seed)
			read := inAMountNamespace(t, out, writeScript(t, out, script), smallDisk, `
truncate -s -128k ballast
"$BIN" task --model "$MODEL" "a price table" > "$OUT/first.stdout" 2> "$OUT/first.stderr"; echo $? > "$OUT/first.code"
ls -A data .opencode > "$OUT/first.files" 2>/dev/null
rm ballast
"$BIN" task --resume --model "$MODEL" > "$OUT/resumed.stdout" 2> "$OUT/resumed.stderr"; echo $? > "$OUT/resumed.code"
cp -R . "$OUT/ws"`)
			stdout := read("first.stdout")
			wantReason := "State: STOPPED (" + ReasonDiskFull + ": " + c.wantReason
			if code := strings.TrimSpace(read("first.code")); code != "1" || !strings.Contains(stdout, wantReason) ||
				!strings.Contains(stdout, "no space left on device. Free some space, then resume)\n") || strings.Contains(stdout, "Failing items") {
				t.Errorf("on the full disk: exit %s\nstdout:\n%s\nstderr:\n%s\nwant %s", code, stdout, read("first.stderr"), wantReason)
			}
			if files := read("first.files"); strings.Contains(files, "table.csv") || strings.Contains(files, ".tmp") {
				t.Errorf("left by the failed write:\n%s", files)
			}
			if builds := read("builds"); builds != "build\n" { // not on the full disk; once on resume
				t.Errorf("the build ran %d times", strings.Count(builds, "build"))
			}
			if code := strings.TrimSpace(read("resumed.code")); code != "0" || !strings.Contains(read("resumed.stdout"), "State: SEALED") {
				t.Errorf("resumed: exit %s\nstdout:\n%s\nstderr:\n%s", code, read("resumed.stdout"), read("resumed.stderr"))
			}
			if data, _ := os.ReadFile(filepath.Join(out, "ws/data/table.csv")); string(data) != table {
				t.Errorf("data/table.csv after the resume: %d bytes, want %d", len(data), len(table))
			}
		})
	}
}

// TestAMissionsOwnWriteOnAFullDiskSaysHowToGoOn: the mission's own files (.opencode/)
// cannot be written on a full disk. At the start the error says so, naming the file (not
// its temporary copy), and to start the mission again; when the build fills the disk, the review notes it and the next write of
// the mission's state fails, and the error says to resume, which then seals.
func TestAMissionsOwnWriteOnAFullDiskSaysHowToGoOn(t *testing.T) {
	out := t.TempDir()
	writeFiles(t, out, map[string]string{
		"seed/.opencode/todo.md":           "- [ ] T1: CREATE `notes.txt` | file:notes.txt\n",
		"seed/.opencode/orchestrator.json": `{"commands": {"build": "[ -e built ] || { touch built; head -c 2m /dev/zero > output.bin; }"}}`,
		// An older mission, stopped: resuming would continue it, not the new one.
		"seed/.opencode/loop-state.json": `{"objective": "an older mission", "state": "stopped", "startedAt": "2026-11-01T10:00:00Z"}`,
	})
	spec := writeScript(t, out, model.Script{Turns: []model.ScriptTurn{{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
		call("write_file", map[string]string{"path": "notes.txt", "content": "notes\n"}),
		call("finish", map[string]string{"summary": "notes"}),
	}}}})
	read := inAMountNamespace(t, out, spec, smallDisk, `
"$BIN" task --model "$MODEL" "notes" > /dev/null 2> "$OUT/full.stderr"; echo $? > "$OUT/full.code"
rm ballast
"$BIN" task --model "$MODEL" "notes" > /dev/null 2> "$OUT/filled.stderr"; echo $? > "$OUT/filled.code"
rm output.bin
"$BIN" task --resume --model "$MODEL" > "$OUT/resumed.stdout" 2> "$OUT/resumed.stderr"; echo $? > "$OUT/resumed.code"`)
	for _, c := range []struct{ name, want string }{
		{"full", "no space left on device. Free some space, then start the mission again\n"},
		{"filled", "no space left on device. Free some space, then resume\n"},
	} {
		stderr := read(c.name + ".stderr")
		if code := strings.TrimSpace(read(c.name + ".code")); code != "1" || !strings.Contains(stderr, "orchestrator task: "+ReasonDiskFull+": ") || !strings.HasSuffix(stderr, c.want) || strings.Contains(stderr, ".tmp") {
			t.Errorf("%s: exit %s\n%s\nwant the end %q", c.name, code, stderr, c.want)
		}
	}
	if code := strings.TrimSpace(read("resumed.code")); code != "0" || !strings.Contains(read("resumed.stdout"), "State: SEALED") {
		t.Errorf("resumed: exit %s\nstdout:\n%s\nstderr:\n%s", code, read("resumed.stdout"), read("resumed.stderr"))
	}
}

// TestAFileOnAReadOnlyFileSystemIsNotGivenToAWorker: the plan names a file in gen/, a
// file system mounted read-only (as in a container, or after the kernel remounted a
// failing disk). No worker could write it, so a plan in todo.md is refused before any
// model call, saying why, and a plan the planner writes is refused to the planner, which
// then names a file that can be written.
func TestAFileOnAReadOnlyFileSystemIsNotGivenToAWorker(t *testing.T) {
	const readOnlyGen = `cp -R "$OUT/seed/." "$WS" && cd "$WS"
mkdir gen && mount -t tmpfs -o ro,size=1m tmpfs gen || exit $CANNOT_MOUNT
`
	plan := func(file string) model.ScriptCall {
		return call("write_plan", map[string]string{"markdown": fmt.Sprintf("- [ ] T1: CREATE `%s` | file:%s\n", file, file)})
	}
	for _, c := range []struct {
		name, todo, wantStderr string
		script                 model.Script
		wantCode               string
	}{
		{name: "in todo.md", todo: "- [ ] T1: CREATE `gen/table.go` | file:gen/table.go\n", wantCode: "2",
			wantStderr: "line 1: T1: file cannot be written: gen/table.go cannot be written here: gen: read-only file system\n"},
		{name: "in the planner's plan", wantCode: "0", script: model.Script{Turns: []model.ScriptTurn{
			{Role: "planner", Calls: []model.ScriptCall{plan("gen/table.go"), plan("table.go"), call("finish", map[string]string{"summary": "planned"})}},
			{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
				call("write_file", map[string]string{"path": "table.go", "content": "package table\n"}),
				call("finish", map[string]string{"summary": "the table"}),
			}},
		}}, wantStderr: "tool_call: write_plan -> error: the plan was not written: line 1: T1: file cannot be written: gen/table.go cannot be written here: gen: read-only file system\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			seed := map[string]string{"seed/.opencode/orchestrator.json": `{"commands": {"build": "true", "test": "true"}}`}
			if c.todo != "" {
				seed["seed/.opencode/todo.md"] = c.todo
			}
			writeFiles(t, out, seed)
			read := inAMountNamespace(t, out, writeScript(t, out, c.script), readOnlyGen, `
"$BIN" task --model "$MODEL" "a table" > "$OUT/stdout" 2> "$OUT/stderr"; echo $? > "$OUT/code"`)
			if code := strings.TrimSpace(read("code")); code != c.wantCode || !strings.Contains(read("stderr"), c.wantStderr) {
				t.Errorf("exit %s, want %s\nstdout:\n%s\nstderr:\n%s\nwant %q", code, c.wantCode, read("stdout"), read("stderr"), c.wantStderr)
			}
		})
	}
}

// smallDisk makes the workspace a copy of $OUT/seed on a 1 MiB tmpfs that a file named
// ballast fills.
const smallDisk = `mount -t tmpfs -o size=1m tmpfs "$WS" || exit $CANNOT_MOUNT
cp -R "$OUT/seed/." "$WS" && cd "$WS"
head -c 2m /dev/zero > ballast 2>/dev/null # fills the file system
`

// inAMountNamespace runs setUp, which mounts file systems (exiting $CANNOT_MOUNT when
// refused) and leaves the shell in the workspace $WS, and then script, in a mount
// namespace of their own: nothing outside sees the mounts, and they go with the script.
// The script has $BIN, $MODEL (model) and $OUT (out, on the real disk, where it leaves
// what the test reads); read reads those files.
func inAMountNamespace(t *testing.T, out, model, setUp, script string) (read func(name string) string) {
	t.Helper()
	const cannotMount = 97
	var refused []string
	// Root with CAP_SYS_ADMIN mounts in a mount namespace; others may in a user namespace.
	for _, namespace := range [][]string{{"--mount"}, {"--user", "--map-root-user", "--mount"}} {
		cmd := exec.Command("unshare", append(namespace, "sh", "-c", "set -u\n"+setUp+script+"\nexit 0")...)
		cmd.Env = append(os.Environ(), "WS="+t.TempDir(), "OUT="+out, "BIN="+binary, "MODEL="+model, fmt.Sprint("CANNOT_MOUNT=", cannotMount))
		output, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return func(name string) string {
				data, _ := os.ReadFile(filepath.Join(out, name))
				return string(data)
			}
		case errors.As(err, &exit) && (exit.ExitCode() == cannotMount || strings.Contains(string(output), "unshare failed")):
			refused = append(refused, fmt.Sprintf("unshare %s: %s", strings.Join(namespace, " "), bytes.TrimSpace(output)))
		default:
			t.Fatalf("in a mount namespace: %v\n%s", err, output)
		}
	}
	t.Skipf("a namespace of the test's may not mount a file system on this machine, so this test cannot make the file system it needs:\n%s", strings.Join(refused, "\n"))
	return nil
}

// TestCheckBuildTakesTheConfiguredCommands: `orchestrator check --build` runs the
// commands of .opencode/orchestrator.json rather than the detected ones.
func TestCheckBuildTakesTheConfiguredCommands(t *testing.T) {
	root := t.TempDir()
	_ = os.MkdirAll(filepath.Join(root, ".opencode"), 0o755)
	for rel, content := range map[string]string{
		"go.mod":                      "module example.com/c\n\ngo 1.22\n",
		".opencode/orchestrator.json": `{"commands": {"build": "echo configured build", "test": "echo the configured tests fail; exit 3"}}`,
	} {
		if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runBinary(t, root, nil, "check", "--build")
	if code != 1 || !strings.Contains(stderr, "running `echo configured build`") || !strings.Contains(stdout, ".opencode/orchestrator.json") || !strings.Contains(stdout, "[test-failure]") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestKilledDuringReviewResumes: SIGKILL while the review's build command runs; the
// resumed mission reviews again and seals, and the finished items are not redone.
func TestKilledDuringReviewResumes(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	pipes := t.TempDir()
	started, release := filepath.Join(pipes, "started"), filepath.Join(pipes, "release")
	for _, p := range []string{started, release} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	configure := func(build string) {
		cfg, _ := json.Marshal(map[string]any{"commands": map[string]string{"build": build, "test": "go test ./..."}})
		if err := os.MkdirAll(filepath.Join(root, ".opencode"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, ".opencode/orchestrator.json"), cfg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The build announces itself on one pipe and then waits on the other.
	configure(fmt.Sprintf("echo started > %s && cat %s > /dev/null", started, release))
	cmd := exec.Command(binary, "task", "--model", testkit.DemoModel(), "Add a cart")
	cmd.Dir = root
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	announced, err := os.ReadFile(started) // returns once the review's build has started
	if err != nil || strings.TrimSpace(string(announced)) != "started" {
		t.Fatalf("the build did not start: %q %v", announced, err)
	}
	status := func(want, wantJSON string) {
		t.Helper()
		_, text, _ := runBinary(t, root, nil, "status")
		_, data, _ := runBinary(t, root, nil, "status", "--format", "json")
		if !strings.Contains(text, want) || !strings.Contains(data, wantJSON) {
			t.Errorf("status:\n%s\n%s\nwant %q and %q", text, data, want, wantJSON)
		}
	}
	status(fmt.Sprintf("State: REVIEWING (process %d runs it), iteration 1\n", cmd.Process.Pid), fmt.Sprintf(`"ownerPid": %d`, cmd.Process.Pid))
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// The orphaned build command still waits on the pipe: let it end.
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if st, _ := store.New(root).State(); st == nil || st.State != store.StateReviewing {
		t.Fatalf("state after a kill during the review: %+v", st)
	}
	status("State: REVIEWING (no process runs it: the one that did was killed or crashed), iteration 1\n", `"state": "reviewing"`)
	if _, text, _ := runBinary(t, root, nil, "status"); !strings.HasSuffix(text, "Continue it with `orchestrator task --resume`.\n") {
		t.Errorf("status after the kill does not say how to go on:\n%s", text)
	}

	configure("go build ./...")
	code, stdout, stderr := runBinary(t, root, nil, "task", "--resume", "--model", testkit.DemoModel())
	if code != ExitSealed {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	dispatched := dispatches(t, root)
	for _, id := range []string{"T1", "T2", "T3"} {
		if dispatched[id] != 1 {
			t.Errorf("%s was dispatched %d times", id, dispatched[id])
		}
	}
	if _, text, _ := runBinary(t, root, nil, "status"); !strings.Contains(text, "State: SEALED, iteration") || strings.Contains(text, "Continue") {
		t.Errorf("status of the sealed mission:\n%s", text)
	}
}

// TestIterationLimitStopsWithTheLastReview: a mission stopped by --max-iterations reports
// the last review's build and tests (not "none detected"), and --resume finishes it.
func TestIterationLimitStopsWithTheLastReview(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	model := testkit.DemoModel()
	code, stdout, stderr := runBinary(t, root, nil, "task", "--model", model, "--max-iterations", "1", "Add a cart")
	if code != ExitStopped {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, ExitStopped, stdout, stderr)
	}
	for _, want := range []string{"State: STOPPED (the iteration limit was reached)", "Sync issues: 2 open", "Build: go build ./... failed", "Tests: go test ./... (not run)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
	if _, text, _ := runBinary(t, root, nil, "status"); !strings.Contains(text, "State: STOPPED (the iteration limit was reached), iteration 1\n") || !strings.HasSuffix(text, "Continue it with `orchestrator task --resume`.\n") {
		t.Errorf("status of the stopped mission:\n%s", text)
	}
	// While another process (here the test, as an editor's server would) holds the
	// workspace, status says where the mission can go on instead.
	holder := store.New(root)
	if err := holder.Lock(); err != nil {
		t.Fatal(err)
	}
	if _, text, _ := runBinary(t, root, nil, "status"); !strings.HasSuffix(text, fmt.Sprintf("Process %d holds this workspace (an editor's language server, or another `orchestrator task`): resume the mission there, or with `orchestrator task --resume` once that process ends.\n", os.Getpid())) {
		t.Errorf("status of the stopped mission while another process holds the workspace:\n%s", text)
	}
	holder.Unlock()
	code, stdout, stderr = runBinary(t, root, nil, "task", "--resume", "--model", model)
	if code != 0 || !strings.Contains(stdout, "State: SEALED") || !strings.Contains(stdout, "Tests: go test ./... passed") {
		t.Errorf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
