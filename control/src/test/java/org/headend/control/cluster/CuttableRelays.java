package org.headend.control.cluster;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A relay in front of each etcd member, cut, healed, losing answers or refusing together: the member that reaches
 * etcd through them is partitioned from all of etcd at once.
 */
final class CuttableRelays implements AutoCloseable
{
    private final List<CuttableProxy> relays = new ArrayList<>();

    CuttableRelays(final LocalEtcd etcd) throws IOException
    {
        try
        {
            for (final URI member : etcd.endpoints())
            {
                relays.add(new CuttableProxy(member));
            }
        }
        catch (final IOException ex)
        {
            try
            {
                close();
            }
            catch (final IOException closing)
            {
                ex.addSuppressed(closing);
            }
            throw ex;
        }
    }

    /** The URLs a member uses instead of etcd's. */
    List<URI> uris()
    {
        return relays.stream().map(CuttableProxy::uri).toList();
    }

    void cut()
    {
        relays.forEach(CuttableProxy::cut);
    }

    void loseAnswers()
    {
        relays.forEach(CuttableProxy::loseAnswers);
    }

    void refuse()
    {
        relays.forEach(CuttableProxy::refuse);
    }

    void heal()
    {
        relays.forEach(CuttableProxy::heal);
    }

    /** Closes every relay, as try-with-resources would: the first failure is thrown, the others suppressed. */
    @Override
    public void close() throws IOException
    {
        IOException failure = null;
        for (final CuttableProxy relay : relays.reversed())
        {
            try
            {
                relay.close();
            }
            catch (final IOException ex)
            {
                if (failure == null)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }
}
