package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Group selection in aggregate auth: list, aliases, group-url, group-lock and the shared failure counters. */
class GroupSelectionTest
{
    static final String CONFIG = """
        hostname headend
        ip local pool POOL 192.168.100.10-192.168.100.250 mask 255.255.255.0
        ip local pool ENG 192.168.110.10-192.168.110.250 mask 255.255.255.0
        username demo password right-password
        username carol password carol-secret
        username carol attributes
         group-lock value STAFF
        group-policy GP internal
        group-policy GP attributes
         vpn-tunnel-protocol ssl-client
        group-policy ENG-GP internal
        group-policy ENG-GP attributes
         vpn-tunnel-protocol ssl-client
         default-domain value eng.example.com
        tunnel-group DefaultWEBVPNGroup general-attributes
         address-pool POOL
         default-group-policy GP
        tunnel-group STAFF type remote-access
        tunnel-group STAFF general-attributes
         address-pool POOL
         default-group-policy GP
        tunnel-group STAFF webvpn-attributes
         group-alias Staff enable
        tunnel-group ENG type remote-access
        tunnel-group ENG general-attributes
         address-pool ENG
         default-group-policy ENG-GP
        tunnel-group ENG webvpn-attributes
         group-alias Engineering enable
         group-alias Old-Eng disable
        tunnel-group HIDDEN type remote-access
        tunnel-group HIDDEN general-attributes
         address-pool POOL
         default-group-policy GP
        tunnel-group HIDDEN webvpn-attributes
         group-url https://vpn.example.com/secret enable
        webvpn
         enable outside
         anyconnect enable
         tunnel-group-list enable
        """;
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.2", 40000, 443, "AnyConnect-compatible OpenConnect VPN Agent v9.12", "TLSv1.3",
            "TLS_AES_128_GCM_SHA256");

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("x-password");
    private final long[] now = {1_000_000_000L};
    private final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
        (group, user) -> config.current().effectivePolicy(group, user), () -> now[0], Clock.systemUTC());
    private final FailedLoginLimiter limiter = new FailedLoginLimiter();
    private final AggregateAuth auth = new AggregateAuth(config::current, sessions, new LoginContexts(), limiter,
        () -> "ABCDEF0123456789ABCDEF0123456789ABCDEF01", () -> now[0]);

    @BeforeEach
    void setUp() throws Exception
    {
        config.replace(CONFIG, "test");
    }

    @AfterEach
    void tearDown()
    {
        control.shutdownNow();
    }

    @Test
    void shouldListOnlyEnabledAliasesWithTheDefaultGroupSelectedWhenNoneIsAsked()
    {
        final String xml = body(init(null, "/"));
        assertTrue(xml.contains("<select name=\"group_list\" label=\"GROUP:\">"), xml);
        assertEquals(List.of("Staff", "Engineering"), options(xml));
        assertFalse(xml.contains("Old-Eng") || xml.contains("HIDDEN") || xml.contains("secret"), xml);
        assertTrue(xml.contains("<tunnel-group>DefaultWEBVPNGroup</tunnel-group>"));
        assertFalse(xml.contains("selected=\"true\""), "the default group has no alias to select");
    }

    @Test
    void shouldAnswerTheSecondInitWithThatGroupSelectedFirstAndInTheOpaque()
    {
        final String xml = body(init("Engineering", "/"));
        assertEquals(List.of("Engineering", "Staff"), options(xml));
        assertTrue(xml.contains("<option selected=\"true\">Engineering</option>"), xml);
        assertTrue(xml.contains("<tunnel-group>ENG</tunnel-group>") && xml.contains("<group-alias>Engineering</"));
        assertFalse(xml.contains("<error"));
    }

    @Test
    void shouldAcceptAnAliasInAnotherCaseButNeverATunnelGroupNameOrDisabledAlias()
    {
        assertTrue(body(init("engineering", "/")).contains("<tunnel-group>ENG</tunnel-group>"));
        for (final String name : new String[] {"ENG", "HIDDEN", "Old-Eng", "DefaultRAGroup", "Nope<&>"})
        {
            final String xml = body(init(name, "/"));
            assertTrue(xml.contains("<tunnel-group>DefaultWEBVPNGroup</tunnel-group>"), name);
            assertTrue(xml.contains("is not available."), name);
            assertFalse(xml.contains("<&>"), "escaped");
        }
    }

    @Test
    void shouldLandTheSessionInThePickedGroup()
    {
        final HttpAnswer form = init("Engineering", "/");
        final String token = element(body(reply(form, "Engineering", "demo", "right-password")), "session-token");
        final Session session = sessions.find(token);
        assertNotNull(session);
        assertEquals("ENG", session.tunnelGroup());
        assertEquals("ENG-GP", session.groupPolicy());
    }

    @Test
    void shouldSelectTheGroupOfAGroupUrlPathWithoutAList()
    {
        final String xml = body(init(null, "/secret"));
        assertTrue(xml.contains("<tunnel-group>HIDDEN</tunnel-group>"));
        assertFalse(xml.contains("group_list"), "a group-url hides the list");
        final String token = element(body(auth.onMessage(reply(handle(xml), null, "demo", "right-password"),
            Map.of(), CLIENT, "/secret").toCompletableFuture().join()), "session-token");
        assertEquals("HIDDEN", sessions.find(token).tunnelGroup());
    }

    @Test
    void shouldRefuseAGroupTheUserIsLockedOutOfAndCountItAsAFailure()
    {
        final String xml = body(reply(init("Engineering", "/"), "Engineering", "carol", "carol-secret"));
        assertTrue(xml.contains(AggregateAuth.GROUP_REFUSED), xml);
        assertTrue(xml.contains("<form>"));
        assertTrue(sessions.list().isEmpty());
        assertTrue(body(reply(init("Staff", "/"), "Staff", "carol", "carol-secret")).contains("success"));
    }

    @Test
    void shouldRefuseAReplyNamingAGroupTheListNeverOffered()
    {
        final String xml = body(reply(init(null, "/"), "HIDDEN", "demo", "right-password"));
        assertTrue(xml.contains("is not available."), xml);
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldShareTheFailedLoginCountersAcrossGroups()
    {
        final String[] groups = {null, "Staff", "Engineering", null, "Staff"};
        for (final String group : groups)
        {
            reply(init(group, "/"), group, "demo", "wrong");
        }
        assertTrue(limiter.isLocked("demo", CLIENT.address(), now[0]));
        assertTrue(body(reply(init("Engineering", "/"), "Engineering", "demo", "right-password"))
            .contains("Login failed."));
        assertTrue(body(auth.onMessage(reply(handle(body(init(null, "/secret"))), null, "demo", "right-password"),
            Map.of(), CLIENT, "/secret").toCompletableFuture().join()).contains("Login failed."), "a group-url is no way around the lock");
    }

    @Test
    void shouldIgnoreTheGroupNameWhenTheListIsOff() throws Exception
    {
        config.replace(CONFIG.replace(" tunnel-group-list enable\n", ""), "test");
        final String xml = body(init("Engineering", "/"));
        assertFalse(xml.contains("group_list"));
        assertTrue(xml.contains("<tunnel-group>DefaultWEBVPNGroup</tunnel-group>"));
    }

    private HttpAnswer init(final String group, final String path)
    {
        return auth.onMessage(new AuthMessage("init", "v9.12", "linux-64", group, "https://10.77.0.1" + path, null,
            Map.of(), null), new HashMap<>(), CLIENT, path).toCompletableFuture().join();
    }

    private HttpAnswer reply(final HttpAnswer form, final String group, final String user, final String password)
    {
        return auth.onMessage(reply(handle(body(form)), group, user, password), Map.of(), CLIENT, "/").toCompletableFuture().join();
    }

    private static AuthMessage reply(final String handle, final String group, final String user,
        final String password)
    {
        return new AuthMessage("auth-reply", "v9.12", "linux-64", group, null, handle,
            Map.of("username", user, "password", password), null);
    }

    static String body(final HttpAnswer answer)
    {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static List<String> options(final String xml)
    {
        final Matcher m = Pattern.compile("<option[^>]*>([^<]*)</option>").matcher(xml);
        final java.util.ArrayList<String> all = new java.util.ArrayList<>();
        while (m.find())
        {
            all.add(m.group(1));
        }
        return all;
    }

    private static String handle(final String xml)
    {
        return element(xml, "aggauth-handle");
    }

    static String element(final String xml, final String name)
    {
        final Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void shouldNotOfferAnyAliasWhenNothingIsEnabled() throws Exception
    {
        config.replace(CONFIG.replace("group-alias Staff enable", "group-alias Staff disable")
            .replace("group-alias Engineering enable", "group-alias Engineering disable"), "test");
        assertNull(element(body(init(null, "/")), "group-alias"));
        assertFalse(body(init(null, "/")).contains("<select"), "a select with no options is dropped anyway");
    }
}
