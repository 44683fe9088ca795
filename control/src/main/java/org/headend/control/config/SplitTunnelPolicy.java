package org.headend.control.config;

/** {@code split-tunnel-policy}: which traffic the client sends into the tunnel. */
public enum SplitTunnelPolicy
{
    /** Everything goes through the tunnel. */
    TUNNELALL,
    /** Only the networks of {@code split-tunnel-network-list} go through the tunnel. */
    TUNNELSPECIFIED,
    /** Everything except the networks of {@code split-tunnel-network-list} goes through the tunnel. */
    EXCLUDESPECIFIED;

    /** The keyword as typed and shown. */
    public String keyword()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static SplitTunnelPolicy ofKeyword(final String keyword)
    {
        return valueOf(keyword.toUpperCase(java.util.Locale.ROOT));
    }
}
