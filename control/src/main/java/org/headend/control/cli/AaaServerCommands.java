package org.headend.control.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.Logins;
import org.headend.control.auth.ldap.LdapAuthenticator;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.config.grammar.ArgTypes;

/**
 * The exec commands of AAA server groups, as on the ASA: {@code show aaa-server [NAME]} (each host's state and
 * counters) and {@code test aaa-server authentication NAME host ADDR username U password P}, which asks that one
 * host and prints its verdict without touching the login limiter. They run on the operator's CLI thread, which may
 * wait for a server; the control thread never does.
 */
final class AaaServerCommands
{
    private static final Pattern KEY_LINE =
        Pattern.compile("(?m)^(\\s+(?:key|ldap-login-password|totp-secret) )\\S+");
    /** A user's NT hash is password-equivalent for MSCHAPv2 (pass-the-hash): shown like a key, saved as it is. */
    private static final Pattern NT_HASH = Pattern.compile("(?m)^(username \\S+ password .* nt-encrypted )\\S+");
    /** The cluster's shared secret and the password of its etcd user, in {@code vpn load-balancing}. */
    private static final Pattern CLUSTER_SECRET =
        Pattern.compile("(?m)^(\\s+cluster (?:key|etcd-user \\S+ password) )\\S+");

    private AaaServerCommands()
    {
    }

    /**
     * A configuration's text with every server key, LDAP password, TOTP secret, NT hash, cluster key and etcd
     * password replaced by {@code *****}.
     */
    static String maskKeys(final String config)
    {
        return CLUSTER_SECRET.matcher(NT_HASH.matcher(KEY_LINE.matcher(config).replaceAll("$1*****"))
            .replaceAll("$1*****")).replaceAll("$1*****");
    }

    static void declare(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Show AAA server groups and their servers")
            .kw("show", "Show running system information").kw("aaa-server", "AAA server groups and their servers")
            .optional(null, p -> p.arg("name", ArgTypes.NAME, "A server group"))
            .alsoInConfigModes()
            .does(AaaServerCommands::show));
        commands.add(ExecCommand.declare("Test a server of an AAA server group")
            .kw("test", "Test a subsystem").kw("aaa-server", "Test an AAA server")
            .kw("authentication", "Test authentication")
            .arg("name", ArgTypes.NAME, "The server group")
            .kw("host", "The server to ask").arg("address", ArgTypes.IP, "Its address")
            .kw("username", "The user name to try").arg("user", ArgTypes.NAME, "User name")
            .kw("password", "The password to try").arg("password", ArgTypes.SECRET, "Password")
            .does(AaaServerCommands::test));
    }

    private static void show(final CliSession session, final Arguments args) throws IOException
    {
        final HeadendConfig config = session.context().config().current();
        final String only = args.get("name");
        if (only != null && config.aaaServer(only).isEmpty())
        {
            session.print("ERROR: % aaa-server " + only + " does not exist\n");
            return;
        }
        final Logins logins = session.context().services().authn();
        final StringBuilder out = new StringBuilder();
        for (final AaaServerGroup group : config.aaaServers().values())
        {
            if (only != null && !only.equals(group.name()))
            {
                continue;
            }
            if (group.isLdap())
            {
                showLdap(out, group, logins == null ? null : logins.ldap(group.name()));
                continue;
            }
            final RadiusClient client = logins == null ? null : logins.radius(group.name());
            final List<RadiusClient.HostStatus> status = client == null ? List.of() : await(client.status());
            for (final AaaServerHost host : group.hosts())
            {
                final RadiusClient.HostStatus s = status.stream()
                    .filter(h -> h.address().equals(host.address().getHostAddress())).findFirst().orElse(null);
                out.append("Server Group:    ").append(group.name()).append('\n')
                    .append("Server Protocol: ").append(group.protocol()).append('\n')
                    .append("Server Address:  ").append(host.address().getHostAddress()).append('\n')
                    .append("Server port:     ").append(host.authenticationPort()).append('\n')
                    .append("Server status:   ").append(s == null ? "UNKNOWN" : s.failed() ? "FAILED" : "ACTIVE")
                    .append('\n');
                if (s != null)
                {
                    out.append("Number of requests             ").append(s.requests()).append('\n')
                        .append("Number of accepts              ").append(s.accepts()).append('\n')
                        .append("Number of rejects              ").append(s.rejects()).append('\n')
                        .append("Number of challenges           ").append(s.challenges()).append('\n')
                        .append("Number of timeouts             ").append(s.timeouts()).append('\n')
                        .append("Number of bad authenticators   ").append(s.badAuthenticators()).append('\n');
                }
                out.append('\n');
            }
        }
        session.print(out.toString());
    }

    private static void showLdap(final StringBuilder out, final AaaServerGroup group,
        final LdapAuthenticator backend)
    {
        final List<LdapAuthenticator.HostStatus> status = backend == null ? List.of() : backend.status();
        for (final AaaServerHost host : group.hosts())
        {
            final LdapAuthenticator.HostStatus s = status.stream()
                .filter(h -> h.address().equals(host.address().getHostAddress())).findFirst().orElse(null);
            out.append("Server Group:    ").append(group.name()).append('\n')
                .append("Server Protocol: ").append(group.protocol()).append('\n')
                .append("Server Address:  ").append(host.address().getHostAddress()).append('\n')
                .append("Server port:     ").append(host.ldap() == null ? 0 : host.ldap().effectivePort()).append('\n')
                .append("Server status:   ").append(s == null ? "UNKNOWN" : s.failed() ? "FAILED" : "ACTIVE")
                .append('\n');
            if (s != null)
            {
                out.append("Number of requests             ").append(s.requests()).append('\n')
                    .append("Number of accepts              ").append(s.accepts()).append('\n')
                    .append("Number of rejects              ").append(s.rejects()).append('\n')
                    .append("Number of unanswered requests  ").append(s.failures()).append('\n');
            }
            out.append('\n');
        }
    }

    private static void test(final CliSession session, final Arguments args) throws IOException
    {
        final HeadendConfig config = session.context().config().current();
        final String name = args.get("name");
        final InetAddress address = args.get("address");
        final AaaServerGroup group = config.aaaServer(name).orElse(null);
        final AaaServerHost host = group == null ? null : group.hosts().stream()
            .filter(h -> h.address().equals(address)).findFirst().orElse(null);
        final Logins logins = session.context().services().authn();
        final RadiusClient client = logins == null ? null : logins.radius(name);
        final LdapAuthenticator ldap = logins == null ? null : logins.ldap(name);
        if (host == null || client == null && ldap == null)
        {
            session.print("ERROR: % aaa-server " + name + " has no host " + address.getHostAddress() + "\n");
            return;
        }
        session.print("INFO: Attempting Authentication test to IP address (" + address.getHostAddress()
            + ") (timeout: " + host.timeoutSeconds() + " seconds)\n");
        final AuthRequest request = AuthRequest.first(args.get("user"), args.get("password"), null,
            AuthRequest.Purpose.MANAGEMENT);
        final AuthOutcome outcome = await(client != null ? client.test(address, request)
            : ldap.test(address, request));
        final String result = switch (outcome)
        {
            case AuthOutcome.Accepted a -> "INFO: Authentication Successful\n";
            case AuthOutcome.Rejected r -> "ERROR: Authentication Rejected: "
                + (r.userMessage() != null ? r.userMessage() : "AAA failure") + "\n";
            case AuthOutcome.Challenged c -> "INFO: Authentication Challenged: "
                + (c.prompt() == null ? "" : c.prompt()) + "\n";
            case AuthOutcome.Unavailable u -> "ERROR: Authentication Server not responding: No error\n";
        };
        session.print(result);
        session.audit("test aaa-server authentication " + name + " host " + address.getHostAddress(),
            result.startsWith("INFO: Authentication Successful") ? "ok" : "failed");
    }

    private static <T> T await(final java.util.concurrent.CompletionStage<T> stage) throws IOException
    {
        try
        {
            return stage.toCompletableFuture().get(330, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IOException("the AAA server group did not answer: " + ex, ex);
        }
    }
}
