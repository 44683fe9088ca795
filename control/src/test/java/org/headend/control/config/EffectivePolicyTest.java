package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
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
}
