package org.headend.control.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-HTTP end of {@code http redirect}: every request, whatever its method, gets a 301 to
 * {@code https://HOST[:PORT]/same/path?same=query} and the connection closes; nothing else is served and no body
 * is read. HOST is the request's {@code Host} when it is a plain host name or address literal, else the address
 * the connection came in on, so that nothing the client sends reaches the answer unchecked (bad-inputs #14); the
 * path is re-encoded, so no control character or space can end up in the {@code Location} line.
 */
final class HttpRedirectHandler extends SimpleChannelInboundHandler<HttpObject>
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpRedirectHandler.class);
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    /** A DNS name or dotted address: labels of letters, digits and inner hyphens, at most 253 characters. */
    private static final Pattern HOST_NAME = Pattern.compile("(?=.{1,253}$)" + LABEL + "(\\." + LABEL + ")*\\.?");
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}");
    /** RFC 3986 pchar, '/' and '?' (path and query) except '%', which is checked separately. */
    private static final String KEPT =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?";

    private final IntSupplier httpsPort;
    private boolean answered;

    /** @param httpsPort the HTTPS service's port now ({@code webvpn} / {@code port}) */
    HttpRedirectHandler(final IntSupplier httpsPort)
    {
        this.httpsPort = httpsPort;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final HttpObject message)
    {
        if (answered || !(message instanceof HttpRequest request))
        {
            return;
        }
        answered = true;
        ctx.channel().config().setAutoRead(false);
        if (request.decoderResult().isFailure())
        {
            final HttpResponseStatus status = FrontDoorHandler.refusalStatus(request.decoderResult().cause());
            LOG.debug("{}: bad HTTP request refused with {}", ctx.channel().remoteAddress(), status.code());
            FrontDoorHandler.answerAndClose(ctx, status, status.reasonPhrase());
            return;
        }
        final String location = location(request.headers().get(HttpHeaderNames.HOST),
            (InetSocketAddress)ctx.channel().localAddress(), httpsPort.getAsInt(), request.uri());
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.MOVED_PERMANENTLY);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The redirect target.
     *
     * @param host  the request's Host header, possibly null or hostile
     * @param local the address the connection came in on, used when the Host is unusable
     * @param port  the HTTPS port
     * @param uri   the request target as received (origin form, absolute form or anything else)
     */
    static String location(final String host, final InetSocketAddress local, final int port, final String uri)
    {
        final StringBuilder out = new StringBuilder("https://").append(hostOf(host, local));
        if (port != 443)
        {
            out.append(':').append(port);
        }
        return out.append(pathOf(uri)).toString();
    }

    private static String hostOf(final String header, final InetSocketAddress local)
    {
        if (header != null)
        {
            final String host = withoutPort(header.strip());
            if (HOST_NAME.matcher(host).matches() || IPV6_LITERAL.matcher(host).matches())
            {
                return host;
            }
        }
        final String literal = NetUtil.toAddressString(local.getAddress());
        return local.getAddress() instanceof Inet6Address ? "[" + literal + "]" : literal;
    }

    /** {@code name}, {@code a.b.c.d} or {@code [v6]} without a trailing {@code :port}. */
    private static String withoutPort(final String host)
    {
        final int colon = host.lastIndexOf(':');
        final boolean port = colon >= 0 && PORT.matcher(host.substring(colon)).matches()
            && (host.startsWith("[") ? host.charAt(colon - 1) == ']' : host.indexOf(':') == colon);
        return port ? host.substring(0, colon) : host;
    }

    /** The path and query of {@code uri}, re-encoded; "/" when it has none. */
    private static String pathOf(final String uri)
    {
        final int scheme = uri.indexOf("://");
        final boolean absolute = scheme > 0 && uri.substring(0, scheme).chars().allMatch(Character::isLetter);
        final int pathStart = absolute ? uri.indexOf('/', scheme + 3) : 0;
        if (pathStart < 0 || !uri.startsWith("/", pathStart))
        {
            return "/";
        }
        final int hash = uri.indexOf('#', pathStart);
        return encode(uri.substring(pathStart, hash < 0 ? uri.length() : hash));
    }

    /** Keeps what a URI path and query may hold as it is, and percent-encodes every other byte. */
    private static String encode(final String target)
    {
        final StringBuilder out = new StringBuilder(target.length() + 16);
        final byte[] bytes = target.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++)
        {
            final int b = bytes[i] & 0xFF;
            if (b < 0x80 && KEPT.indexOf(b) >= 0
                || b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2]))
            {
                out.append((char)b);
            }
            else
            {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isHex(final byte b)
    {
        return Character.digit(b, 16) >= 0;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("{}: connection error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
