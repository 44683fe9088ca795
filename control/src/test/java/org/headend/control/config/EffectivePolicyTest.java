package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.headend.control.config.EffectivePolicy.LevelKind;
import org.headend.control.config.EffectivePolicy.Source;
import org.junit.jupiter.api.Test;

class EffectivePolicyTest
{
    private static final String CONFIG = """
        group-policy DfltGrpPolicy attributes
         vpn-tunnel-protocol ssl-client ssl-clientless
         default-domain value dflt.example
         webvpn
          anyconnect mtu 1000
          anyconnect ssl keepalive 100
          anyconnect dpd-interval client 100
        group-policy TG-POLICY internal
        group-policy TG-POLICY attributes
         webvpn
          anyconnect mtu 1100
          anyconnect ssl keepalive 110
        group-policy USER-POLICY internal
        group-policy USER-POLICY attributes
         webvpn
          anyconnect mtu 1200
        username alice password x
        username alice attributes
         vpn-group-policy USER-POLICY
         vpn-tunnel-protocol ssl-client
        username bob password y
        tunnel-group TG type remote-access
        tunnel-group TG general-attributes
         default-group-policy TG-POLICY
        """;

    @Test
    void shouldTakeEachAttributeFromTheMostSpecificLevelThatSetsIt() throws ConfigException
    {
        final EffectivePolicy alice = ConfigLanguageTest.compile(CONFIG).effectivePolicy("TG", "alice");
        assertEquals("USER-POLICY", alice.groupPolicyName());
        assertEquals(Set.of("ssl-client"), alice.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL));
        assertEquals(1200, alice.get(PolicyAttribute.MTU));
        assertEquals(110, alice.get(PolicyAttribute.SSL_KEEPALIVE));
        assertEquals(100, alice.get(PolicyAttribute.DPD_CLIENT));
        assertEquals("dflt.example", alice.get(PolicyAttribute.DEFAULT_DOMAIN));
        assertEquals(PolicyAttribute.DPD_GATEWAY.defaultValue(), alice.get(PolicyAttribute.DPD_GATEWAY));
    }

    @Test
    void shouldUseTunnelGroupPolicyWhenUserHasNone() throws ConfigException
    {
        final EffectivePolicy bob = ConfigLanguageTest.compile(CONFIG).effectivePolicy("TG", "bob");
        assertEquals("TG-POLICY", bob.groupPolicyName());
        assertEquals(1100, bob.get(PolicyAttribute.MTU));
        assertEquals(Set.of("ssl-client", "ssl-clientless"), bob.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL));
    }

    @Test
    void shouldLetAnAaaAssignedPolicyTakeThePlaceOfTheUsersOwn() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(CONFIG);
        final EffectivePolicy alice = config.effectivePolicy("TG", "alice", "TG-POLICY");
        assertEquals("TG-POLICY", alice.groupPolicyName());
        assertEquals(1100, alice.get(PolicyAttribute.MTU), "USER-POLICY's mtu must not win over the assigned policy");
        assertEquals(Set.of("ssl-client"), alice.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL), "user attributes still win");
        final EffectivePolicy unknown = config.effectivePolicy("TG", "alice", "NOT-CONFIGURED");
        assertEquals("USER-POLICY", unknown.groupPolicyName(), "an assigned name that is not configured is ignored");
        assertEquals(1200, unknown.get(PolicyAttribute.MTU));
    }

    @Test
    void shouldLandInDefaultGroupsWhenTunnelGroupIsUnknownOrMissing() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(CONFIG);
        for (final String group : new String[] {null, "NOPE", HeadendConfig.DEFAULT_TUNNEL_GROUP})
        {
            final EffectivePolicy policy = config.effectivePolicy(group, "bob");
            assertEquals(HeadendConfig.DEFAULT_GROUP_POLICY, policy.groupPolicyName());
            assertEquals(1000, policy.get(PolicyAttribute.MTU));
            assertEquals(30, policy.get(PolicyAttribute.DPD_GATEWAY));
        }
    }

    /** Each timer attribute set at a different depth of the chain, so each level wins for exactly one of them. */
    private static final String LEVELS = """
        group-policy DfltGrpPolicy attributes
         vpn-idle-timeout 40
         vpn-session-timeout 400
         vpn-simultaneous-logins 4
         webvpn
          anyconnect ssl rekey time 44
        group-policy TG-POLICY internal
        group-policy TG-POLICY attributes
         vpn-idle-timeout 30
         vpn-session-timeout 300
         webvpn
          anyconnect ssl rekey time 33
        group-policy USER-POLICY internal
        group-policy USER-POLICY attributes
         vpn-idle-timeout 20
         webvpn
          anyconnect ssl rekey time 22
        username alice password x
        username alice attributes
         vpn-group-policy USER-POLICY
         vpn-idle-timeout none
        tunnel-group TG type remote-access
        tunnel-group TG general-attributes
         default-group-policy TG-POLICY
        """;

    @Test
    void shouldReportForEachAttributeTheLevelItsValueComesFrom() throws ConfigException
    {
        final EffectivePolicy alice = ConfigLanguageTest.compile(LEVELS).effectivePolicy("TG", "alice");
        assertEquals(0, alice.get(PolicyAttribute.VPN_IDLE_TIMEOUT), "the user's own none beats every group");
        assertEquals(new Source(LevelKind.USER, "alice"), alice.source(PolicyAttribute.VPN_IDLE_TIMEOUT));
        assertEquals(22, alice.get(PolicyAttribute.SSL_REKEY_TIME));
        assertEquals(new Source(LevelKind.USER_GROUP_POLICY, "USER-POLICY"),
            alice.source(PolicyAttribute.SSL_REKEY_TIME));
        assertEquals(300, alice.get(PolicyAttribute.VPN_SESSION_TIMEOUT));
        assertEquals(new Source(LevelKind.TUNNEL_GROUP_POLICY, "TG-POLICY"),
            alice.source(PolicyAttribute.VPN_SESSION_TIMEOUT));
        assertEquals(4, alice.get(PolicyAttribute.VPN_SIMULTANEOUS_LOGINS));
        assertEquals(new Source(LevelKind.DEFAULT_GROUP_POLICY, HeadendConfig.DEFAULT_GROUP_POLICY),
            alice.source(PolicyAttribute.VPN_SIMULTANEOUS_LOGINS));
        assertEquals(RekeyMethod.NONE, alice.get(PolicyAttribute.SSL_REKEY_METHOD));
        assertEquals(LevelKind.BUILT_IN, alice.source(PolicyAttribute.SSL_REKEY_METHOD).kind());
        assertEquals("group-policy TG-POLICY (tunnel-group default)",
            alice.source(PolicyAttribute.VPN_SESSION_TIMEOUT).describe());
    }

    @Test
    void shouldSkipTheUsersGroupLevelWhenTheUserHasNoGroupPolicy() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(LEVELS + """
            username bob password y
            username bob attributes
             vpn-session-timeout 5
            """);
        final EffectivePolicy bob = config.effectivePolicy("TG", "bob");
        assertEquals(5, bob.get(PolicyAttribute.VPN_SESSION_TIMEOUT));
        assertEquals(LevelKind.USER, bob.source(PolicyAttribute.VPN_SESSION_TIMEOUT).kind());
        assertEquals(30, bob.get(PolicyAttribute.VPN_IDLE_TIMEOUT), "the tunnel-group's policy, not USER-POLICY");
        assertEquals(33, bob.get(PolicyAttribute.SSL_REKEY_TIME));
    }

    @Test
    void shouldReportDfltGrpPolicyAsItselfWhenItIsTheTunnelGroupsDefault() throws ConfigException
    {
        final EffectivePolicy policy = ConfigLanguageTest.compile(LEVELS).effectivePolicy(null, "nobody");
        assertEquals(40, policy.get(PolicyAttribute.VPN_IDLE_TIMEOUT));
        assertEquals("group-policy DfltGrpPolicy", policy.source(PolicyAttribute.VPN_IDLE_TIMEOUT).describe());
        assertEquals("built-in default", policy.source(PolicyAttribute.SSL_DTLS).describe());
    }
}
