package org.headend.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the tests need on the machine: root (namespaces, tun devices) and a few Debian packages. Missing packages
 * are installed with apt-get, once per JVM; anything else missing fails the set-up with a plain message.
 */
public final class Prerequisites
{
    /** command → Debian package providing it. */
    private static final Map<String, String> NEEDED = Map.of(
        "openconnect", "openconnect",
        "ip", "iproute2",
        "ping", "iputils-ping",
        "openssl", "openssl",
        "kill", "procps",
        "curl", "curl");
    private static boolean checked;

    private Prerequisites()
    {
    }

    public static synchronized void check()
    {
        if (checked)
        {
            return;
        }
        if (!"0".equals(Cmd.run("id", "-u").output().trim()))
        {
            throw new IllegalStateException("the integration tests need root (network namespaces, tun devices)");
        }
        installMissing(NEEDED);
        checked = true;
    }

    /** Installs the packages whose command is missing (apt-get update once, then install). */
    public static void installMissing(final Map<String, String> commandToPackage)
    {
        final List<String> missing = new ArrayList<>();
        commandToPackage.forEach((command, pkg) ->
        {
            if (!Cmd.run("bash", "-c", "command -v " + command).ok() && !missing.contains(pkg))
            {
                missing.add(pkg);
            }
        });
        if (missing.isEmpty())
        {
            return;
        }
        System.out.println("installing missing packages: " + missing);
        Cmd.run(Duration.ofMinutes(5), List.of("apt-get", "update")).check();
        final List<String> argv = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get",
            "install", "-y", "--no-install-recommends"));
        argv.addAll(missing);
        Cmd.run(Duration.ofMinutes(10), argv).check();
    }
}
