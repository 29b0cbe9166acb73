package httpguard

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose X-Forwarded-For is believed.
type Proxies []netip.Prefix

// DefaultProxies are the proxies trusted unless told otherwise: this
// computer.
const DefaultProxies = "127.0.0.0/8,::1"

// ParseProxies reads comma-separated addresses and CIDRs, or "none".
func ParseProxies(s string) (Proxies, error) {
	var p Proxies
	if strings.TrimSpace(s) == "none" {
		return p, nil
	}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if pre, err := netip.ParsePrefix(f); err == nil {
			p = append(p, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("not an address or CIDR: %q", f)
		}
		a = a.Unmap()
		p = append(p, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

func (p Proxies) trusted(a netip.Addr) bool {
	for _, pre := range p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// Source is the address r came from: the peer's, or, when the peer is a
// trusted proxy, the right-most address of X-Forwarded-For that is not a
// trusted proxy itself. What lies left of that was written by the client
// and proves nothing. The zero Addr: the peer's address is unreadable.
func (p Proxies) Source(r *http.Request) netip.Addr {
	src, ok := hop(r.RemoteAddr)
	if !ok || !p.trusted(src) {
		return src
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := hop(hops[i])
		if !ok {
			// A trusted proxy wrote nonsense (or forwards the
			// client's header unchanged): believe only that proxy.
			return src
		}
		src = a
		if !p.trusted(a) {
			break
		}
	}
	return src
}

// hop reads one address as proxies write them: 192.0.2.1, 2001:db8::1,
// with or without a port.
func hop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone("").Unmap(), true
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}
