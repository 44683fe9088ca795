package org.headend.control.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The line editor over a pair of streams, as an SSH channel with a pty gives it: Tab completes, ? helps. */
class JlineIoTest
{
    @Test
    @Timeout(20)
    void shouldCompleteWithTabAndHelpWithQuestionMarkFromTheGrammar() throws Exception
    {
        final CliContext context = new CliContext(ConfigStore.embeddedDefault("demo-pass"), new FakeSessions(),
            List::of);
        final PipedOutputStream keys = new PipedOutputStream();
        final PipedInputStream in = new PipedInputStream(keys, 65536);
        final ByteArrayOutputStream screen = new ByteArrayOutputStream();
        final JlineIo io = JlineIo.overStreams(in, screen, "xterm", 120, 40);
        final Thread loop = new Thread(() ->
        {
            try
            {
                SessionLoop.runUntilExit(io, () -> CliSession.console(context, io), io);
            }
            catch (final java.io.IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        loop.start();
        keys.write("sh\tver\t\r".getBytes(StandardCharsets.US_ASCII));
        keys.write("show vpn?".getBytes(StandardCharsets.US_ASCII));
        keys.write("\u0015exit\r".getBytes(StandardCharsets.US_ASCII));
        keys.flush();
        loop.join(15_000);
        final String text = screen.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("show version"), text);
        assertTrue(text.contains("Headend Software Version"), text);
        assertTrue(text.contains("vpn-sessiondb") && text.contains("Show the VPN sessions"), text);
        assertTrue(text.contains("\r\n"), "CR LF towards a raw pty");
        keys.close();
    }
}
