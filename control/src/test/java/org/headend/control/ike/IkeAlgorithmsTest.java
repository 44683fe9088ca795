package org.headend.control.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.headend.control.config.Ikev2Config;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.PrfAlgorithm;
import org.junit.jupiter.api.Test;

/** The ASA's {@code crypto ikev2 policy} blocks and ipsec-proposals turned into what the responder accepts. */
class IkeAlgorithmsTest
{
    private static Ikev2Config config(final List<Ikev2Config.IkePolicy> policies, final String mapOn)
    {
        final Map<String, Ikev2Config.IpsecProposal> proposals = Map.of(
            "GCM", new Ikev2Config.IpsecProposal("GCM", List.of("aes-gcm-256", "aes-gcm"), List.of("null")),
            "GCM128", new Ikev2Config.IpsecProposal("GCM128", List.of("aes-gcm"), List.of()));
        return new Ikev2Config(policies, proposals, Map.of("DYN", new TreeMap<>(Map.of(10, List.of("GCM128", "GCM")))),
            Map.of("DYN", new TreeMap<>(Map.of(10, 20))), Map.of("MAP", new TreeMap<>(Map.of(65_535, "DYN"))),
            mapOn == null ? Map.of() : Map.of(mapOn, "MAP"), null, Ikev2Config.DEFAULT_FRAGMENTATION_MTU);
    }

    @Test
    void shouldAcceptEveryCombinationOfAPolicyInPriorityOrderWithItsLifetime()
    {
        final IkeAlgorithms algorithms = IkeAlgorithms.of(config(List.of(
            new Ikev2Config.IkePolicy(10, List.of("aes-gcm-256"), List.of("null"), List.of(20, 19), List.of("sha384"),
                86_400),
            new Ikev2Config.IkePolicy(20, List.of("aes-256"), List.of("sha512", "sha256"), List.of(14), List.of(),
                3600)), "outside"), "outside");
        final IkeSuite gcm20 = new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384, DhGroup.ECP_384);
        final IkeSuite gcm19 = new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384, DhGroup.ECP_256);
        final IkeSuite cbc = new IkeSuite(Ike.ENCR_AES_CBC, 256, Ike.AUTH_HMAC_SHA2_512_256,
            PrfAlgorithm.HMAC_SHA2_512, DhGroup.MODP_2048);
        assertEquals(List.of(gcm20, gcm19, cbc), algorithms.suites().subList(0, 3));
        assertEquals(6, algorithms.suites().size(), "2 GCM groups, then 2 integrity x 2 PRFs (from the integrity)");
        assertEquals(86_400L, algorithms.lifetimes().get(gcm19));
        assertEquals(3600L, algorithms.lifetimes().get(cbc));
        assertEquals(List.of(128, 256), algorithms.espKeyBits(), "GCM128 first, as the dynamic map lists it");
        assertEquals(20, algorithms.pfsGroup(), "set pfs group20 of the dynamic map the interface's crypto map names");
    }

    @Test
    void shouldFallBackToTheDefaultsWithoutPoliciesOrACryptoMapOnTheInterface()
    {
        final IkeAlgorithms algorithms = IkeAlgorithms.of(config(List.of(), "inside"), "outside");
        assertEquals(IkeAlgorithms.DEFAULT_SUITES, algorithms.suites());
        assertEquals(IkeAlgorithms.DEFAULT_ESP_KEY_BITS, algorithms.espKeyBits());
        assertEquals(0, algorithms.pfsGroup(), "no crypto map on the interface: a rekey may come without PFS");
        final IkeAlgorithms bare = IkeAlgorithms.of(config(List.of(new Ikev2Config.IkePolicy(1, List.of(), List.of(),
            List.of(), List.of(), 600)), null), "outside");
        assertEquals(List.of(new IkeSuite(Ike.ENCR_AES_CBC, 256, Ike.AUTH_HMAC_SHA2_256_128,
            PrfAlgorithm.HMAC_SHA2_256, DhGroup.MODP_2048)), bare.suites(),
            "an empty policy: aes-256, integrity sha256, its PRF, group 14");
    }

    @Test
    void shouldRefuseAnAesCbcPolicyWhoseOnlyIntegrityIsNull()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> IkeAlgorithms.of(
            config(List.of(new Ikev2Config.IkePolicy(7, List.of("aes"), List.of("null"), List.of(19), List.of(),
                600)), null), "outside"));
        assertTrue(refused.getMessage().startsWith("crypto ikev2 policy 7: AES-CBC needs an integrity"),
            refused.getMessage());
    }
}
