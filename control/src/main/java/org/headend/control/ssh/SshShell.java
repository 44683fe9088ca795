package org.headend.control.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.headend.control.cli.CliContext;
import org.headend.control.cli.CliIo;
import org.headend.control.cli.CliSession;
import org.headend.control.cli.JlineIo;
import org.headend.control.cli.Operators;
import org.headend.control.cli.SessionLoop;
import org.headend.control.cli.StreamIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH shell channel running one CLI session on its own thread. With a pty the line is edited by JLine
 * ({@code ?}, Tab, history); without one ({@code ssh -T}, scripts) lines are read plainly, like the piped console.
 */
final class SshShell implements Command, Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(SshShell.class);

    private final CliContext context;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;
    private ChannelSession channel;
    private Environment environment;
    private Thread thread;

    SshShell(final CliContext context)
    {
        this.context = context;
    }

    @Override
    public void setInputStream(final InputStream stream)
    {
        this.in = stream;
    }

    @Override
    public void setOutputStream(final OutputStream stream)
    {
        this.out = stream;
    }

    @Override
    public void setErrorStream(final OutputStream stream)
    {
        // everything goes to the terminal's output
    }

    @Override
    public void setExitCallback(final ExitCallback callback)
    {
        this.exit = callback;
    }

    @Override
    public void start(final ChannelSession session, final Environment env)
    {
        this.channel = session;
        this.environment = env;
        thread = new Thread(this, "ssh-cli-" + session.getSession().getUsername());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run()
    {
        final String user = channel.getSession().getUsername();
        final String from = describe(channel.getSession().getRemoteAddress());
        final Operators.Entry entry = context.services().operators().open(user, from, true, context.clock().instant());
        context.services().audit().record(user, "ssh " + from, "exec", "(login)", "ok");
        JlineIo editor = null;
        int code = 0;
        try
        {
            final CliIo io;
            if (environment.getPtyModes().isEmpty())
            {
                io = new StreamIo(in, out);
            }
            else
            {
                editor = JlineIo.overStreams(in, out, environment.getEnv().get(Environment.ENV_TERM),
                    number(environment.getEnv().get(Environment.ENV_COLUMNS)),
                    number(environment.getEnv().get(Environment.ENV_LINES)));
                io = editor;
            }
            SessionLoop.runUntilExit(io, () -> CliSession.ssh(context, io, user, from), editor);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.debug("ssh session of {} from {} ended: {}", user, from, ex.toString());
            code = 1;
        }
        finally
        {
            if (editor != null)
            {
                editor.close();
            }
            context.services().operators().close(entry);
            context.services().audit().record(user, "ssh " + from, "exec", "(logout)", "ok");
            if (exit != null)
            {
                exit.onExit(code);
            }
        }
    }

    @Override
    public void destroy(final ChannelSession session)
    {
        if (thread != null)
        {
            thread.interrupt();
        }
    }

    static String describe(final SocketAddress address)
    {
        if (address instanceof InetSocketAddress inet)
        {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    private static int number(final String text)
    {
        try
        {
            return text == null ? 0 : Integer.parseInt(text.strip());
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }
}
