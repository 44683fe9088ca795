package org.headend.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every IKEv2 integration test sets up alike: an appliance on the default test config plus the IKEv2 remote
 * access lines (group-policy GP allows {@code ikev2}, DefaultRAGroup takes the pool and GP, an ipsec-proposal reached
 * through {@code crypto dynamic-map}/{@code crypto map … interface outside}), a test CA whose ECDSA certificate for
 * {@code CN=vpn.ike.test} (under an RSA issuing CA, so that IKE_AUTH carries a chain) is typed on the running
 * appliance as the remote-access trustpoint, then {@code crypto ikev2 enable outside}; and strongSwan clients whose
 * connections are written by {@link Connection}. {@link #close()} stops the clients, then the appliance.
 */
final class Ikev2Bed implements AutoCloseable
{
    private final Testbed bed;
    private final Path ca;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private Ikev2Bed(final Testbed bed, final Path ca)
    {
        this.bed = bed;
        this.ca = ca;
    }

    /**
     * Starts the appliance for {@code clients} client namespaces (and an inside host when {@code insideHost}) with
     * the ipsec-proposal's {@code protocol esp encryption} set to {@code espEncryption}, plus what {@code more} adds;
     * installs the certificate, but IKEv2 is not yet enabled (see {@link #enable()}).
     */
    static Ikev2Bed start(final int clients, final boolean insideHost, final String espEncryption,
        final Consumer<ApplianceConfig> more) throws IOException
    {
        final Path ca = IkeServerPki.create(Files.createTempDirectory("hdit-ikeca"), true);
        final Testbed bed;
        try
        {
            bed = Testbed.start(clients, insideHost, c ->
            {
                c.extraLine("group-policy GP attributes")
                    .extraLine(" vpn-tunnel-protocol ssl-client ikev2")
                    // an IDi that names no tunnel-group lands in DefaultRAGroup, the ASA's IPsec default
                    .extraLine("tunnel-group DefaultRAGroup general-attributes")
                    .extraLine(" address-pool POOL")
                    .extraLine(" default-group-policy GP")
                    .extraLine("crypto ipsec ikev2 ipsec-proposal ESP")
                    .extraLine(" protocol esp encryption " + espEncryption)
                    .extraLine(" protocol esp integrity null")
                    .extraLine("crypto dynamic-map DYN 10 set ikev2 ipsec-proposal ESP")
                    .extraLine("crypto map OUTSIDE_MAP 65535 ipsec-isakmp dynamic DYN")
                    .extraLine("crypto map OUTSIDE_MAP interface outside");
                more.accept(c);
            });
        }
        catch (final RuntimeException | AssertionError ex)
        {
            delete(ca);
            throw ex;
        }
        final Ikev2Bed ike = new Ikev2Bed(bed, ca);
        IkeServerPki.install(bed, ca);
        return ike;
    }

    /** Types the trustpoint, the certificate IKEv2 signs with, and {@code crypto ikev2 enable outside}. */
    void enable()
    {
        configure("crypto ca trustpoint VPN-TP", "identity-certificate disk0:/ike/vpn.pem", "exit",
            "crypto ikev2 remote-access trustpoint VPN-TP", "crypto ikev2 enable outside client-services port 443");
    }

    Testbed bed()
    {
        return bed;
    }

    HeadendProcess headend()
    {
        return bed.headend();
    }

    /** The test CA's certificate: what clients trust the appliance through. */
    Path caCertificate()
    {
        return ca.resolve("ca.pem");
    }

    /** Has {@link #close()} stop {@code resource} (a NAT router, a RADIUS server) before the appliance. */
    <T extends AutoCloseable> T own(final T resource)
    {
        owned.addFirst(resource);
        return resource;
    }

    /**
     * Starts a strongSwan client in {@code namespace} (its {@code charon} section gets {@code charonOptions}) with
     * {@code connections} and an EAP secret per user of {@code eapSecrets}.
     */
    StrongSwanClient client(final String prefix, final String charonOptions, final String namespace,
        final List<Connection> connections, final Map<String, String> eapSecrets) throws IOException
    {
        final StrongSwanClient client = own(StrongSwanClient.prepare(prefix, charonOptions));
        final StringBuilder conf = new StringBuilder("connections {\n");
        for (final Connection connection : connections)
        {
            conf.append(connection.render(caCertificate()));
        }
        conf.append("}\nsecrets {\n");
        eapSecrets.forEach((user, secret) -> conf.append("  eap-").append(user).append(" { id = ").append(user)
            .append("\n    secret = \"").append(secret).append("\" }\n"));
        client.start(namespace, conf.append("}\n").toString());
        return client;
    }

    /** Types {@code lines} in configuration mode on the running appliance; fails on any error. */
    void configure(final String... lines)
    {
        IkeServerPki.configure(bed, lines);
    }

    /** Polls {@code condition} every 100 ms for up to {@code limit}; returns whether it came true. */
    static boolean await(final Duration limit, final Supplier<Boolean> condition)
    {
        final long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.get())
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            NetTools.sleep(100);
        }
        return true;
    }

    @Override
    public void close() throws IOException
    {
        for (final AutoCloseable resource : owned)
        {
            try
            {
                resource.close();
            }
            catch (final Exception ex)
            {
                System.out.println("closing " + resource + ": " + ex);
            }
        }
        bed.close();
        delete(ca);
    }

    private static void delete(final Path dir) throws IOException
    {
        try (var files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * One swanctl connection to the appliance, with a child of the same name started by the test: EAP as
     * {@code user}, the appliance authenticated by its certificate from the test CA, a virtual IP asked for by CP;
     * UDP encapsulation forced unless {@link #natDetection()}.
     */
    static final class Connection
    {
        private final String name;
        private final String user;
        private String method = "mschapv2";
        private String idi = "";
        private String proposals = "aes256gcm16-prfsha384-ecp384";
        private String espProposals = "aes256gcm16";
        private String remoteTs = "0.0.0.0/0";
        private boolean encap = true;
        private final StringBuilder options = new StringBuilder();

        private Connection(final String name, final String user)
        {
            this.name = name;
            this.user = user;
        }

        static Connection of(final String name, final String user)
        {
            return new Connection(name, user);
        }

        /** EAP method as strongSwan names it: mschapv2 (default), md5, gtc. */
        Connection method(final String value)
        {
            method = value;
            return this;
        }

        /** The IDi the client sends, e.g. {@code keyid:SALES} (default: its address). */
        Connection idi(final String value)
        {
            idi = "id = " + value;
            return this;
        }

        Connection proposals(final String value)
        {
            proposals = value;
            return this;
        }

        Connection espProposals(final String value)
        {
            espProposals = value;
            return this;
        }

        Connection remoteTs(final String value)
        {
            remoteTs = value;
            return this;
        }

        /** No forced UDP encapsulation: the client floats to 4500 only if it finds a NAT. */
        Connection natDetection()
        {
            encap = false;
            return this;
        }

        /** A further line of the connection, e.g. {@code dpd_delay = 2s}. */
        Connection option(final String line)
        {
            options.append("    ").append(line).append('\n');
            return this;
        }

        String render(final Path caCertificate)
        {
            return """
                  %1$s {
                    version = 2
                    remote_addrs = %2$s
                    vips = 0.0.0.0
                    encap = %3$s
                    proposals = %4$s
                %5$s    local { auth = eap-%6$s
                            %7$s
                            eap_id = %8$s }
                    remote { auth = pubkey
                             cacerts = %9$s }
                    children {
                      %1$s { remote_ts = %10$s
                             esp_proposals = %11$s
                             start_action = none }
                    }
                  }
                """.formatted(name, Netns.SERVER_ADDRESS, encap ? "yes" : "no", proposals, options, method, idi,
                user, caCertificate, remoteTs, espProposals);
        }
    }
}
