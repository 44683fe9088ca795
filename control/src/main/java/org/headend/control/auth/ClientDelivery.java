package org.headend.control.auth;

import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;

/**
 * What a {@code complete} answer carries besides the session (docs/protocol/auth-and-portal.md §2.7–2.10, §4.3):
 * the package slot and core manifest for the client's platform, the custom attributes, the profile manifest and the
 * matching {@code webvpnc} download hints. Supplied by the client-deployment side; control thread only.
 */
public interface ClientDelivery
{
    /** Nothing hosted: {@code <nopkg/>}, no manifests. */
    ClientDelivery NONE = (config, policy, deviceId, userAgent) -> Content.EMPTY;

    /**
     * The content for one login.
     *
     * @param policy    the session's effective policy
     * @param deviceId  the client's {@code <device-id>} ({@code win}, {@code linux-64}, …) or null
     * @param userAgent the client's User-Agent, possibly empty
     */
    Content forLogin(HeadendConfig config, EffectivePolicy policy, String deviceId, String userAgent);

    /**
     * XML fragments of the {@code complete} document, each already escaped and well-formed, and the cookie hints.
     *
     * @param basePackageUri  {@code /CACHE/stc/N} of the client's package slot, or null for {@code <nopkg/>}
     * @param vpnClientOpaque the children of {@code <opaque is-for="vpn-client">}: package version, core manifest,
     *                        custom attributes ("" when none)
     * @param profileManifest the {@code <vpn-profile-manifest>} element, or ""
     * @param webvpncHints    extra {@code webvpnc} fields after {@code sh:} ({@code fu:…&fh:…}), or ""
     * @param imageSlot       the package slot number for {@code iu:}, 1 when none
     */
    record Content(String basePackageUri, String vpnClientOpaque, String profileManifest, String webvpncHints,
        int imageSlot)
    {
        public static final Content EMPTY = new Content(null, "", "", "", 1);
    }
}
