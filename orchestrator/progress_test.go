package orchestrator

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestTheTerminalBarKeepsTimeBetweenEvents: on a terminal the bar is redrawn while no
// event comes (a model call may send nothing for minutes), so its elapsed time moves;
// once the mission ends it is cleared and not drawn again under the report.
func TestTheTerminalBarKeepsTimeBetweenEvents(t *testing.T) {
	r, w := io.Pipe()
	p := newProgress(w, true)
	p.keepTime(1) // a nanosecond: as often as the reader takes them
	terminal := bufio.NewReader(r)
	failsafe := time.AfterFunc(time.Minute, func() { w.CloseWithError(errors.New("no bar drawn in a minute")) })
	defer failsafe.Stop()
	for redraws := 0; redraws < 2; { // no event comes: every bar is the clock's
		drawn, err := terminal.ReadString('\r') // each draw begins by going back to the line's start
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(drawn, "\033[K[--------------------] 0/0 · iteration 0 · 0 running · ") {
			redraws++
		} else if drawn != "\r" {
			t.Fatalf("not the bar: %q", drawn)
		}
	}
	go func() {
		p.close()
		_, _ = io.WriteString(w, "REPORT\n")
		w.Close()
	}()
	rest, _ := io.ReadAll(terminal)
	if !strings.HasSuffix(string(rest), "\r\033[KREPORT\n") {
		t.Errorf("the end as written: %q", rest)
	}
}
