package org.headend.control.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.headend.control.cli.CliContext;
import org.headend.control.config.UserAccount;
import org.headend.control.flash.FlashCopy;
import org.headend.control.flash.FlashStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of the classic SCP protocol ({@code scp -O FILE admin@asa:disk0:/NAME}), as the ASA offers it
 * with {@code ssh scopy enable}: one regular file per command into the flash store, for users of privilege 15. Only
 * {@code scp -t [-v] [-p] [-d] TARGET} is accepted: no recursion, no downloads, no other command. The target is a
 * {@code disk0:} path (a bare name lands in {@code disk0:/}), checked like every other flash path; the file is written
 * under a temporary name and renamed when complete.
 */
final class ScpUpload implements Command, Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ScpUpload.class);
    private static final Pattern FILE_HEADER = Pattern.compile("C0[0-7]{3} ([0-9]{1,12}) ([A-Za-z0-9._-]{1,64})");

    private final CliContext context;
    private final String target;
    private final boolean targetIsDirectory;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;
    private String user = "-";
    private String from = "-";

    private ScpUpload(final CliContext context, final String target, final boolean targetIsDirectory)
    {
        this.context = context;
        this.target = target;
        this.targetIsDirectory = targetIsDirectory;
    }

    /** The command for {@code line}, or null when it is not an SCP upload this server takes. */
    static Command parse(final CliContext context, final String line)
    {
        final List<String> words = List.of(line.strip().split("\\s+"));
        if (words.size() < 3 || !words.getFirst().equals("scp") || !words.contains("-t"))
        {
            return null;
        }
        boolean directory = false;
        for (final String word : words.subList(1, words.size() - 1))
        {
            switch (word)
            {
                case "-t", "-v", "-p" ->
                {
                }
                case "-d" -> directory = true;
                default ->
                {
                    return null;
                }
            }
        }
        return new ScpUpload(context, words.getLast(), directory);
    }

    @Override
    public void setInputStream(final InputStream stream)
    {
        in = stream;
    }

    @Override
    public void setOutputStream(final OutputStream stream)
    {
        out = stream;
    }

    @Override
    public void setErrorStream(final OutputStream stream)
    {
    }

    @Override
    public void setExitCallback(final ExitCallback callback)
    {
        exit = callback;
    }

    @Override
    public void start(final ChannelSession channel, final Environment env)
    {
        user = channel.getSession().getUsername();
        from = SshShell.describe(channel.getSession().getRemoteAddress());
        final Thread thread = new Thread(this, "scp-" + user);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void destroy(final ChannelSession channel)
    {
    }

    @Override
    public void run()
    {
        int code = 1;
        try
        {
            code = receive();
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("scp upload of {} from {} failed: {}", user, from, ex.toString());
        }
        exit.onExit(code);
    }

    private int receive() throws IOException
    {
        final FlashStore flash = context.services().flash();
        final UserAccount account = context.config().current().user(user).orElse(null);
        if (!context.config().current().management().sshScopy() || account == null || account.privilege() < 15
            || flash == null)
        {
            return refuse("scp is not enabled for this user (ssh scopy enable, privilege 15)");
        }
        ok();
        final String header = readLine();
        final Matcher m = FILE_HEADER.matcher(header == null ? "" : header);
        if (!m.matches())
        {
            return refuse("only one regular file per copy is accepted");
        }
        final long size = Long.parseLong(m.group(1));
        if (size > FlashCopy.MAX_BYTES)
        {
            return refuse("the file is larger than " + FlashCopy.MAX_BYTES + " bytes");
        }
        final String destination = destination(m.group(2));
        final Path file;
        try
        {
            file = flash.resolve(destination);
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS))
            {
                throw new IllegalArgumentException(destination + " is a directory");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            return refuse(ex.getMessage());
        }
        ok();
        final Path partial = file.resolveSibling("." + file.getFileName() + ".scp");
        try
        {
            Files.createDirectories(file.getParent());
            try (OutputStream written = Files.newOutputStream(partial))
            {
                final byte[] buffer = new byte[65536];
                long left = size;
                while (left > 0)
                {
                    final int n = in.read(buffer, 0, (int)Math.min(buffer.length, left));
                    if (n < 0)
                    {
                        throw new IOException("the client stopped before the end of the file");
                    }
                    written.write(buffer, 0, n);
                    left -= n;
                }
            }
            if (in.read() != 0)
            {
                throw new IOException("the client did not finish the file");
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally
        {
            Files.deleteIfExists(partial);
        }
        ok();
        LOG.info("scp: {} from {} copied {} bytes to {}", user, from, size, destination);
        context.services().audit().record(user, "ssh " + from, "exec", "scp to " + destination,
            "ok: " + size + " bytes");
        return 0;
    }

    /** Where the file goes: the target when it names a file, else the sent name inside the target directory. */
    private String destination(final String sentName)
    {
        String path = target;
        final String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("disk0:") && !lower.startsWith("flash:"))
        {
            path = "disk0:/" + path;
        }
        if (targetIsDirectory || path.endsWith("/") || path.equalsIgnoreCase("disk0:") || path.equalsIgnoreCase(
            "flash:"))
        {
            path = (path.endsWith("/") ? path : path + "/") + sentName;
        }
        return org.headend.control.config.grammar.ArgTypes.normalizeFlashPath(path);
    }

    private String readLine() throws IOException
    {
        final StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n')
        {
            if (line.length() > 300)
            {
                return null;
            }
            line.append((char)c);
        }
        return c < 0 ? null : line.toString();
    }

    private void ok() throws IOException
    {
        out.write(0);
        out.flush();
    }

    private int refuse(final String why) throws IOException
    {
        LOG.warn("scp upload of {} from {} refused: {}", user, from, why);
        context.services().audit().record(user, "ssh " + from, "exec", "scp to " + target, "denied: " + why);
        out.write(("\u0002" + "headend: " + why + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return 1;
    }
}
