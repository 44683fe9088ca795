package org.headend.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.Test;

class ConsoleTest
{
    private final FakeSessions sessions = new FakeSessions();
    private final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
    private final CliContext context = new CliContext(store, sessions, List::of);

    private String runConsole(final String input)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Console(context, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out).run();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRunPipedCommandsAndStopAtEndOfInput()
    {
        final String out = runConsole("conf t\r\nhostname piped\nend\nshow running-config hostname\n");
        assertEquals("headend# headend(config)# piped(config)# piped# hostname piped\npiped# \n", out);
        assertEquals("piped", store.current().hostname());
    }

    @Test
    void shouldRefuseOverlongAndControlLinesAndKeepGoing()
    {
        final String out = runConsole("hostname " + "x".repeat(70_000) + "\n\u0007bell\nshow running-config webvpn\n");
        assertTrue(out.contains("ERROR: % Line too long"), out);
        assertTrue(out.contains("ERROR: % Invalid character in input"), out);
        assertTrue(out.contains("webvpn\n enable outside\n"), out);
        assertTrue(out.length() < 2_000, "the refused line is not echoed back");
    }

    @Test
    void shouldReadTheConfirmAnswerFromTheSameInput()
    {
        sessions.sessions.add(FakeSessions.lee());
        final String out = runConsole("vpn-sessiondb logoff name lee\n\nvpn-sessiondb logoff index 1\nno\n");
        assertTrue(out.contains("[confirm]INFO: Number of sessions with name \"lee\" logged off : 1\n"), out);
        assertEquals(List.of("name lee"), sessions.logoffs);
    }

    @Test
    void shouldStartAFreshSessionWhenExitIsTypedInExec()
    {
        final String out = runConsole("conf t\nexit\nexit\nshow running-config hostname\n");
        assertTrue(out.contains("\nLogoff\n\nheadend# hostname headend\n"), out);
    }

    @Test
    void shouldRunOnADaemonThreadAndEndWhenThePipeCloses() throws Exception
    {
        final PipedOutputStream feed = new PipedOutputStream();
        final PipedInputStream in = new PipedInputStream(feed);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Thread thread = new Console(context, in, out).start();
        assertTrue(thread.isDaemon());
        feed.write("conf t\nhostname threaded\n".getBytes(StandardCharsets.UTF_8));
        feed.flush();
        feed.close();
        thread.join(10_000);
        assertFalse(thread.isAlive());
        assertEquals("threaded", store.current().hostname());
    }
}
