package org.headend.dataplane.alloc;

import org.headend.dataplane.api.TunnelListener;

/** A tunnel listener for a tunnel that neither side closes during the test. */
final class QuietListener implements TunnelListener
{
    @Override
    public void onDisconnectRequest(final int reason, final String text)
    {
    }

    @Override
    public void onClosed(final CloseCause cause, final String detail)
    {
    }
}
