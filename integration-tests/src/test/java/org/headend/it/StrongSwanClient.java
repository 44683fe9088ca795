package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * strongSwan's charon as the IKEv2 client of a test: kernel-libipsec (this kernel has no XFRM ESP), run in a test
 * namespace with a private /run, its own strongswan.conf and a vici socket in a scratch directory; driven with
 * swanctl. Its log (IKE, configuration and ESP at level 2) and the DNS servers CP gave it ({@code resolv.conf}) are
 * files in {@link #dir()}.
 */
final class StrongSwanClient implements AutoCloseable
{
    private static final String CHARON = "/usr/lib/ipsec/charon";
    private static final String PLUGINS = "random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 aes sha1 sha2"
        + " hmac kdf gcm kernel-libipsec kernel-netlink socket-default vici eap-identity eap-mschapv2 eap-md5 eap-gtc"
        + " attr resolve";

    private final Path dir;
    private ManagedProcess charon;

    private StrongSwanClient(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * Installs what is missing, checks the plugins the tests load, and makes the client's directory with its
     * strongswan.conf; {@code charonOptions} are extra lines of its {@code charon} section (e.g.
     * {@code fragment_size = 200}).
     */
    static StrongSwanClient prepare(final String prefix, final String charonOptions) throws IOException
    {
        Prerequisites.installMissing(Map.of("swanctl", "strongswan-swanctl", CHARON, "strongswan-charon"));
        for (final String plugin : List.of("eap-mschapv2", "kernel-libipsec", "curve25519", "gcm"))
        {
            assertTrue(Files.exists(Path.of("/usr/lib/ipsec/plugins/libstrongswan-" + plugin + ".so")),
                "strongSwan plugin " + plugin + " missing: ./run-tests installs it");
        }
        final StrongSwanClient client = new StrongSwanClient(Files.createTempDirectory(prefix));
        Files.writeString(client.dir.resolve("strongswan.conf"), """
            charon {
              load = %s
              install_virtual_ip = yes
              %s
              filelog {
                ik { path = %s
                     flush_line = yes
                     default = 1
                     ike = 2
                     cfg = 2
                     esp = 2 }
              }
              plugins {
                vici { socket = unix://%s }
                resolve { file = %s }
              }
            }
            """.formatted(PLUGINS, charonOptions, client.dir.resolve("charon.log"), client.dir.resolve("charon.vici"),
            client.dir.resolve("resolv.conf")));
        return client;
    }

    /** The client's directory: files the connections name go here before {@link #start}. */
    Path dir()
    {
        return dir;
    }

    /** Starts charon in {@code namespace} and loads {@code swanctlConf} (connections and secrets). */
    void start(final String namespace, final String swanctlConf) throws IOException
    {
        Files.writeString(dir.resolve("swanctl.conf"), swanctlConf);
        charon = ManagedProcess.start("charon", Netns.in(namespace, "unshare", "-m", "--propagation", "private",
            "sh", "-c", "mount -t tmpfs tmpfs /run && exec " + CHARON), dir,
            Map.of("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString()));
        for (int i = 0; i < 100 && !Files.exists(dir.resolve("charon.vici")); i++)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        swanctl("--load-all", "--file", dir.resolve("swanctl.conf").toString()).check();
    }

    /** Runs swanctl against this charon. */
    Cmd.Result swanctl(final String... args)
    {
        final List<String> argv = new ArrayList<>(List.of("swanctl"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--uri", "unix://" + dir.resolve("charon.vici")));
        return Cmd.run(Duration.ofSeconds(60), argv);
    }

    /** charon's log so far. */
    String log() throws IOException
    {
        return Files.readString(dir.resolve("charon.log"));
    }

    /** Stops charon and removes its directory. */
    @Override
    public void close() throws IOException
    {
        if (charon != null)
        {
            charon.stop(Duration.ofSeconds(5));
        }
        try (var files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
