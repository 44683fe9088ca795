package org.headend.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things are: the repository root (for ./headend), the compiled test classes (for the tools run inside
 * namespaces), the JVM to run them with, and a scratch directory that is removed with the JVM.
 */
public final class Harness
{
    private static Path scratch;
    private static Path script;

    private Harness()
    {
    }

    /** Repository root: system property hdit.repoRoot (set by the POM), else the parent of the working dir. */
    public static Path repoRoot()
    {
        final String configured = System.getProperty("hdit.repoRoot");
        if (configured != null && !configured.isBlank())
        {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        final Path cwd = Path.of("").toAbsolutePath();
        return Files.exists(cwd.resolve("headend")) ? cwd : cwd.getParent();
    }

    /** Classpath holding org.headend.it.tools. */
    public static String toolsClasspath()
    {
        final String configured = System.getProperty("hdit.testClasses");
        if (configured != null && !configured.isBlank())
        {
            return configured;
        }
        return repoRoot().resolve("integration-tests/target/test-classes").toString();
    }

    public static String javaBinary()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** argv for running a tool class inside a namespace with a small heap. */
    public static List<String> tool(final String ns, final String mainClass, final String... args)
    {
        return tool(ns, List.of(), mainClass, args);
    }

    /** As {@link #tool(String, String, String...)}, the JVM run by {@code launcher} (e.g. nice, taskset), if any. */
    public static List<String> tool(final String ns, final List<String> launcher, final String mainClass,
        final String... args)
    {
        final List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(javaBinary(), "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
            toolsClasspath(), "org.headend.it.tools." + mainClass));
        command.addAll(List.of(args));
        return Netns.in(ns, command.toArray(String[]::new));
    }

    /** A fresh directory under this JVM's scratch directory. */
    public static synchronized Path tempDir(final String prefix)
    {
        try
        {
            if (scratch == null)
            {
                scratch = Files.createTempDirectory("hdit-" + ProcessHandle.current().pid() + "-");
                final Path root = scratch;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Cmd.run("rm", "-rf", root.toString())));
            }
            final Path dir = Files.createTempDirectory(scratch, prefix);
            // servers that drop privileges (ocserv's workers run as nobody) must be able to reach their sockets here
            Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** The openconnect --script, copied out of the classpath and made executable. */
    public static synchronized Path connectScript()
    {
        if (script != null)
        {
            return script;
        }
        final Path target = tempDir("script").resolve("hdit-connect-script.sh");
        try (InputStream in = Harness.class.getResourceAsStream("/hdit-connect-script.sh"))
        {
            if (in == null)
            {
                throw new IllegalStateException("hdit-connect-script.sh missing from the test classpath");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            script = target;
            return target;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
