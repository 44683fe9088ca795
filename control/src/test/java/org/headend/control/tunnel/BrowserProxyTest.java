package org.headend.control.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.junit.jupiter.api.Test;

/** {@code msie-proxy pac-url} and {@code msie-proxy lockdown} reach the CONNECT answer; unset, nothing is sent. */
class BrowserProxyTest
{
    private static final String CONFIG = """
        group-policy DfltGrpPolicy attributes
         msie-proxy pac-url value http://proxy.corp.example/proxy.pac
        group-policy CORP internal
        group-policy CORP attributes
         msie-proxy lockdown enable
        group-policy LAB internal
        group-policy LAB attributes
         msie-proxy pac-url none
         msie-proxy lockdown disable
        group-policy PLAIN internal
        """;

    private static String answer(final String config, final String groupPolicy) throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace(config, "test");
        final EffectivePolicy policy = store.current().effectivePolicy(HeadendConfig.DEFAULT_TUNNEL_GROUP, null,
            groupPolicy);
        final ConnectAnswer answer = new ConnectAnswer();
        BrowserProxy.announce(answer, policy);
        return new String(answer.bytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void shouldSendTheInheritedPacFileAndTheGroupsLockdown() throws Exception
    {
        final String corp = answer(CONFIG, "CORP");
        assertTrue(corp.contains("X-CSTP-MSIE-Proxy-PAC-URL: http://proxy.corp.example/proxy.pac\r\n"), corp);
        assertTrue(corp.contains("X-CSTP-MSIE-Proxy-Lockdown: true\r\n"), corp);
    }

    @Test
    void shouldSendNoPacFileForNoneAndLockdownFalseWhenDisabled() throws Exception
    {
        final String lab = answer(CONFIG, "LAB");
        assertFalse(lab.contains("PAC-URL"), lab);
        assertTrue(lab.contains("X-CSTP-MSIE-Proxy-Lockdown: false\r\n"), lab);
    }

    @Test
    void shouldSendNothingWhereNoPolicySetsAProxy() throws Exception
    {
        final String plain = answer("group-policy PLAIN internal\n", "PLAIN");
        assertFalse(plain.contains("MSIE"), plain);
    }

    @Test
    void shouldRefuseAPacUrlThatIsNotAnHttpUrl()
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> store.replace(
            "group-policy GP internal\ngroup-policy GP attributes\n msie-proxy pac-url value file:///etc/passwd\n",
            "test"));
    }
}
