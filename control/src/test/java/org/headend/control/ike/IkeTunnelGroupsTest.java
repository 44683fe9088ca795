package org.headend.control.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.ike.codec.Ike;
import org.junit.jupiter.api.Test;

/** The tunnel-group an IKEv2 client's IDi selects. */
class IkeTunnelGroupsTest
{
    private static HeadendConfig config() throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace("""
            tunnel-group SALES type remote-access
            tunnel-group SALES webvpn-attributes
             group-alias Sales-Team enable
             group-alias Old-Sales disable
            tunnel-group ENG type remote-access
            tunnel-group ENG webvpn-attributes
             group-url https://vpn.example.test/eng enable
            """, "test");
        return store.current();
    }

    private static String select(final int type, final String id) throws Exception
    {
        return IkeTunnelGroups.select(config(), type, id).name();
    }

    @Test
    void shouldSelectTheTunnelGroupAKeyIdOrFqdnNames() throws Exception
    {
        assertEquals("SALES", select(Ike.ID_KEY_ID, "SALES"));
        assertEquals("SALES", select(Ike.ID_FQDN, "SALES"));
        assertEquals("SALES", select(Ike.ID_KEY_ID, "sales-team"), "an enabled alias, any case");
        assertEquals(HeadendConfig.DEFAULT_RA_GROUP, select(Ike.ID_KEY_ID, "Old-Sales"), "a disabled alias");
    }

    @Test
    void shouldSelectByGroupUrlAsTheSslLoginDoes() throws Exception
    {
        assertEquals("ENG", select(Ike.ID_KEY_ID, "https://vpn.example.test/eng"));
        assertEquals("ENG", select(Ike.ID_FQDN, "/ENG/"));
        assertEquals(HeadendConfig.DEFAULT_RA_GROUP, select(Ike.ID_KEY_ID, "https://vpn.example.test/ops"));
    }

    @Test
    void shouldLeaveAddressesDnsAndUnknownNamesInDefaultRaGroupAsTheAsaDoesForIpsec() throws Exception
    {
        assertEquals(HeadendConfig.DEFAULT_RA_GROUP, select(Ike.ID_IPV4_ADDR, "SALES"));
        assertEquals(HeadendConfig.DEFAULT_RA_GROUP, select(Ike.ID_DER_ASN1_DN, "SALES"));
        assertEquals(HeadendConfig.DEFAULT_RA_GROUP, select(Ike.ID_RFC822_ADDR, "alice@example.test"));
        assertEquals(HeadendConfig.DEFAULT_RA_GROUP, select(0, null));
    }
}
