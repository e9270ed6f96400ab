package org.sockbridge;

/**
 * Linux (x86_64) values of the socket, option, flag, resolver and poll constants, the same
 * numbers CPython's {@code socket} and {@code select} modules expose. Generated once from
 * CPython 3.11 on Linux; {@code ConstantsTest} checks a sample against the kernel's behaviour.
 */
public final class SocketConstants {
    private SocketConstants() {}

    /** {@code AF_ALG} on Linux. */
    public static final int AF_ALG = 38;
    /** {@code AF_APPLETALK} on Linux. */
    public static final int AF_APPLETALK = 5;
    /** {@code AF_ASH} on Linux. */
    public static final int AF_ASH = 18;
    /** {@code AF_ATMPVC} on Linux. */
    public static final int AF_ATMPVC = 8;
    /** {@code AF_ATMSVC} on Linux. */
    public static final int AF_ATMSVC = 20;
    /** {@code AF_AX25} on Linux. */
    public static final int AF_AX25 = 3;
    /** {@code AF_BRIDGE} on Linux. */
    public static final int AF_BRIDGE = 7;
    /** {@code AF_CAN} on Linux. */
    public static final int AF_CAN = 29;
    /** {@code AF_ECONET} on Linux. */
    public static final int AF_ECONET = 19;
    /** {@code AF_DECnet} on Linux. */
    public static final int AF_DECnet = 12;
    /** {@code AF_INET} on Linux. */
    public static final int AF_INET = 2;
    /** {@code AF_INET6} on Linux. */
    public static final int AF_INET6 = 10;
    /** {@code AF_IPX} on Linux. */
    public static final int AF_IPX = 4;
    /** {@code AF_IRDA} on Linux. */
    public static final int AF_IRDA = 23;
    /** {@code AF_KEY} on Linux. */
    public static final int AF_KEY = 15;
    /** {@code AF_LLC} on Linux. */
    public static final int AF_LLC = 26;
    /** {@code AF_NETBEUI} on Linux. */
    public static final int AF_NETBEUI = 13;
    /** {@code AF_NETLINK} on Linux. */
    public static final int AF_NETLINK = 16;
    /** {@code AF_NETROM} on Linux. */
    public static final int AF_NETROM = 6;
    /** {@code AF_PACKET} on Linux. */
    public static final int AF_PACKET = 17;
    /** {@code AF_PPPOX} on Linux. */
    public static final int AF_PPPOX = 24;
    /** {@code AF_QIPCRTR} on Linux. */
    public static final int AF_QIPCRTR = 42;
    /** {@code AF_RDS} on Linux. */
    public static final int AF_RDS = 21;
    /** {@code AF_ROSE} on Linux. */
    public static final int AF_ROSE = 11;
    /** {@code AF_ROUTE} on Linux. */
    public static final int AF_ROUTE = 16;
    /** {@code AF_SECURITY} on Linux. */
    public static final int AF_SECURITY = 14;
    /** {@code AF_SNA} on Linux. */
    public static final int AF_SNA = 22;
    /** {@code AF_TIPC} on Linux. */
    public static final int AF_TIPC = 30;
    /** {@code AF_UNIX} on Linux. */
    public static final int AF_UNIX = 1;
    /** {@code AF_UNSPEC} on Linux. */
    public static final int AF_UNSPEC = 0;
    /** {@code AF_VSOCK} on Linux. */
    public static final int AF_VSOCK = 40;
    /** {@code AF_WANPIPE} on Linux. */
    public static final int AF_WANPIPE = 25;
    /** {@code AF_X25} on Linux. */
    public static final int AF_X25 = 9;
    /** {@code AI_ADDRCONFIG} on Linux. */
    public static final int AI_ADDRCONFIG = 32;
    /** {@code AI_ALL} on Linux. */
    public static final int AI_ALL = 16;
    /** {@code AI_CANONNAME} on Linux. */
    public static final int AI_CANONNAME = 2;
    /** {@code AI_NUMERICHOST} on Linux. */
    public static final int AI_NUMERICHOST = 4;
    /** {@code AI_NUMERICSERV} on Linux. */
    public static final int AI_NUMERICSERV = 1024;
    /** {@code AI_PASSIVE} on Linux. */
    public static final int AI_PASSIVE = 1;
    /** {@code AI_V4MAPPED} on Linux. */
    public static final int AI_V4MAPPED = 8;
    /** {@code EAI_ADDRFAMILY} on Linux. */
    public static final int EAI_ADDRFAMILY = -9;
    /** {@code EAI_AGAIN} on Linux. */
    public static final int EAI_AGAIN = -3;
    /** {@code EAI_BADFLAGS} on Linux. */
    public static final int EAI_BADFLAGS = -1;
    /** {@code EAI_FAIL} on Linux. */
    public static final int EAI_FAIL = -4;
    /** {@code EAI_FAMILY} on Linux. */
    public static final int EAI_FAMILY = -6;
    /** {@code EAI_MEMORY} on Linux. */
    public static final int EAI_MEMORY = -10;
    /** {@code EAI_NODATA} on Linux. */
    public static final int EAI_NODATA = -5;
    /** {@code EAI_NONAME} on Linux. */
    public static final int EAI_NONAME = -2;
    /** {@code EAI_OVERFLOW} on Linux. */
    public static final int EAI_OVERFLOW = -12;
    /** {@code EAI_SERVICE} on Linux. */
    public static final int EAI_SERVICE = -8;
    /** {@code EAI_SOCKTYPE} on Linux. */
    public static final int EAI_SOCKTYPE = -7;
    /** {@code EAI_SYSTEM} on Linux. */
    public static final int EAI_SYSTEM = -11;
    /** {@code INADDR_ALLHOSTS_GROUP} on Linux. */
    public static final int INADDR_ALLHOSTS_GROUP = -536870911;
    /** {@code INADDR_ANY} on Linux. */
    public static final int INADDR_ANY = 0;
    /** {@code INADDR_BROADCAST} on Linux. */
    public static final int INADDR_BROADCAST = -1;
    /** {@code INADDR_LOOPBACK} on Linux. */
    public static final int INADDR_LOOPBACK = 2130706433;
    /** {@code INADDR_MAX_LOCAL_GROUP} on Linux. */
    public static final int INADDR_MAX_LOCAL_GROUP = -536870657;
    /** {@code INADDR_NONE} on Linux. */
    public static final int INADDR_NONE = -1;
    /** {@code INADDR_UNSPEC_GROUP} on Linux. */
    public static final int INADDR_UNSPEC_GROUP = -536870912;
    /** {@code IPPROTO_AH} on Linux. */
    public static final int IPPROTO_AH = 51;
    /** {@code IPPROTO_DSTOPTS} on Linux. */
    public static final int IPPROTO_DSTOPTS = 60;
    /** {@code IPPROTO_EGP} on Linux. */
    public static final int IPPROTO_EGP = 8;
    /** {@code IPPROTO_ESP} on Linux. */
    public static final int IPPROTO_ESP = 50;
    /** {@code IPPROTO_FRAGMENT} on Linux. */
    public static final int IPPROTO_FRAGMENT = 44;
    /** {@code IPPROTO_GRE} on Linux. */
    public static final int IPPROTO_GRE = 47;
    /** {@code IPPROTO_HOPOPTS} on Linux. */
    public static final int IPPROTO_HOPOPTS = 0;
    /** {@code IPPROTO_ICMP} on Linux. */
    public static final int IPPROTO_ICMP = 1;
    /** {@code IPPROTO_ICMPV6} on Linux. */
    public static final int IPPROTO_ICMPV6 = 58;
    /** {@code IPPROTO_IDP} on Linux. */
    public static final int IPPROTO_IDP = 22;
    /** {@code IPPROTO_IGMP} on Linux. */
    public static final int IPPROTO_IGMP = 2;
    /** {@code IPPROTO_IP} on Linux. */
    public static final int IPPROTO_IP = 0;
    /** {@code IPPROTO_IPIP} on Linux. */
    public static final int IPPROTO_IPIP = 4;
    /** {@code IPPROTO_IPV6} on Linux. */
    public static final int IPPROTO_IPV6 = 41;
    /** {@code IPPROTO_MPTCP} on Linux. */
    public static final int IPPROTO_MPTCP = 262;
    /** {@code IPPROTO_NONE} on Linux. */
    public static final int IPPROTO_NONE = 59;
    /** {@code IPPROTO_PIM} on Linux. */
    public static final int IPPROTO_PIM = 103;
    /** {@code IPPROTO_PUP} on Linux. */
    public static final int IPPROTO_PUP = 12;
    /** {@code IPPROTO_RAW} on Linux. */
    public static final int IPPROTO_RAW = 255;
    /** {@code IPPROTO_ROUTING} on Linux. */
    public static final int IPPROTO_ROUTING = 43;
    /** {@code IPPROTO_RSVP} on Linux. */
    public static final int IPPROTO_RSVP = 46;
    /** {@code IPPROTO_SCTP} on Linux. */
    public static final int IPPROTO_SCTP = 132;
    /** {@code IPPROTO_TCP} on Linux. */
    public static final int IPPROTO_TCP = 6;
    /** {@code IPPROTO_TP} on Linux. */
    public static final int IPPROTO_TP = 29;
    /** {@code IPPROTO_UDP} on Linux. */
    public static final int IPPROTO_UDP = 17;
    /** {@code IPPROTO_UDPLITE} on Linux. */
    public static final int IPPROTO_UDPLITE = 136;
    /** {@code IPV6_CHECKSUM} on Linux. */
    public static final int IPV6_CHECKSUM = 7;
    /** {@code IPV6_DONTFRAG} on Linux. */
    public static final int IPV6_DONTFRAG = 62;
    /** {@code IPV6_DSTOPTS} on Linux. */
    public static final int IPV6_DSTOPTS = 59;
    /** {@code IPV6_HOPLIMIT} on Linux. */
    public static final int IPV6_HOPLIMIT = 52;
    /** {@code IPV6_HOPOPTS} on Linux. */
    public static final int IPV6_HOPOPTS = 54;
    /** {@code IPV6_JOIN_GROUP} on Linux. */
    public static final int IPV6_JOIN_GROUP = 20;
    /** {@code IPV6_LEAVE_GROUP} on Linux. */
    public static final int IPV6_LEAVE_GROUP = 21;
    /** {@code IPV6_MULTICAST_HOPS} on Linux. */
    public static final int IPV6_MULTICAST_HOPS = 18;
    /** {@code IPV6_MULTICAST_IF} on Linux. */
    public static final int IPV6_MULTICAST_IF = 17;
    /** {@code IPV6_MULTICAST_LOOP} on Linux. */
    public static final int IPV6_MULTICAST_LOOP = 19;
    /** {@code IPV6_NEXTHOP} on Linux. */
    public static final int IPV6_NEXTHOP = 9;
    /** {@code IPV6_PATHMTU} on Linux. */
    public static final int IPV6_PATHMTU = 61;
    /** {@code IPV6_PKTINFO} on Linux. */
    public static final int IPV6_PKTINFO = 50;
    /** {@code IPV6_RECVDSTOPTS} on Linux. */
    public static final int IPV6_RECVDSTOPTS = 58;
    /** {@code IPV6_RECVHOPLIMIT} on Linux. */
    public static final int IPV6_RECVHOPLIMIT = 51;
    /** {@code IPV6_RECVHOPOPTS} on Linux. */
    public static final int IPV6_RECVHOPOPTS = 53;
    /** {@code IPV6_RECVPATHMTU} on Linux. */
    public static final int IPV6_RECVPATHMTU = 60;
    /** {@code IPV6_RECVPKTINFO} on Linux. */
    public static final int IPV6_RECVPKTINFO = 49;
    /** {@code IPV6_RECVRTHDR} on Linux. */
    public static final int IPV6_RECVRTHDR = 56;
    /** {@code IPV6_RECVTCLASS} on Linux. */
    public static final int IPV6_RECVTCLASS = 66;
    /** {@code IPV6_RTHDR} on Linux. */
    public static final int IPV6_RTHDR = 57;
    /** {@code IPV6_RTHDRDSTOPTS} on Linux. */
    public static final int IPV6_RTHDRDSTOPTS = 55;
    /** {@code IPV6_RTHDR_TYPE_0} on Linux. */
    public static final int IPV6_RTHDR_TYPE_0 = 0;
    /** {@code IPV6_TCLASS} on Linux. */
    public static final int IPV6_TCLASS = 67;
    /** {@code IPV6_UNICAST_HOPS} on Linux. */
    public static final int IPV6_UNICAST_HOPS = 16;
    /** {@code IPV6_V6ONLY} on Linux. */
    public static final int IPV6_V6ONLY = 26;
    /** {@code IP_ADD_MEMBERSHIP} on Linux. */
    public static final int IP_ADD_MEMBERSHIP = 35;
    /** {@code IP_BIND_ADDRESS_NO_PORT} on Linux. */
    public static final int IP_BIND_ADDRESS_NO_PORT = 24;
    /** {@code IP_DEFAULT_MULTICAST_LOOP} on Linux. */
    public static final int IP_DEFAULT_MULTICAST_LOOP = 1;
    /** {@code IP_DEFAULT_MULTICAST_TTL} on Linux. */
    public static final int IP_DEFAULT_MULTICAST_TTL = 1;
    /** {@code IP_DROP_MEMBERSHIP} on Linux. */
    public static final int IP_DROP_MEMBERSHIP = 36;
    /** {@code IP_HDRINCL} on Linux. */
    public static final int IP_HDRINCL = 3;
    /** {@code IP_MAX_MEMBERSHIPS} on Linux. */
    public static final int IP_MAX_MEMBERSHIPS = 20;
    /** {@code IP_MULTICAST_IF} on Linux. */
    public static final int IP_MULTICAST_IF = 32;
    /** {@code IP_MULTICAST_LOOP} on Linux. */
    public static final int IP_MULTICAST_LOOP = 34;
    /** {@code IP_MULTICAST_TTL} on Linux. */
    public static final int IP_MULTICAST_TTL = 33;
    /** {@code IP_OPTIONS} on Linux. */
    public static final int IP_OPTIONS = 4;
    /** {@code IP_RECVOPTS} on Linux. */
    public static final int IP_RECVOPTS = 6;
    /** {@code IP_RECVRETOPTS} on Linux. */
    public static final int IP_RECVRETOPTS = 7;
    /** {@code IP_RECVTOS} on Linux. */
    public static final int IP_RECVTOS = 13;
    /** {@code IP_RETOPTS} on Linux. */
    public static final int IP_RETOPTS = 7;
    /** {@code IP_TOS} on Linux. */
    public static final int IP_TOS = 1;
    /** {@code IP_TRANSPARENT} on Linux. */
    public static final int IP_TRANSPARENT = 19;
    /** {@code IP_TTL} on Linux. */
    public static final int IP_TTL = 2;
    /** {@code MSG_CMSG_CLOEXEC} on Linux. */
    public static final int MSG_CMSG_CLOEXEC = 1073741824;
    /** {@code MSG_CONFIRM} on Linux. */
    public static final int MSG_CONFIRM = 2048;
    /** {@code MSG_CTRUNC} on Linux. */
    public static final int MSG_CTRUNC = 8;
    /** {@code MSG_DONTROUTE} on Linux. */
    public static final int MSG_DONTROUTE = 4;
    /** {@code MSG_DONTWAIT} on Linux. */
    public static final int MSG_DONTWAIT = 64;
    /** {@code MSG_EOR} on Linux. */
    public static final int MSG_EOR = 128;
    /** {@code MSG_ERRQUEUE} on Linux. */
    public static final int MSG_ERRQUEUE = 8192;
    /** {@code MSG_FASTOPEN} on Linux. */
    public static final int MSG_FASTOPEN = 536870912;
    /** {@code MSG_MORE} on Linux. */
    public static final int MSG_MORE = 32768;
    /** {@code MSG_NOSIGNAL} on Linux. */
    public static final int MSG_NOSIGNAL = 16384;
    /** {@code MSG_OOB} on Linux. */
    public static final int MSG_OOB = 1;
    /** {@code MSG_PEEK} on Linux. */
    public static final int MSG_PEEK = 2;
    /** {@code MSG_TRUNC} on Linux. */
    public static final int MSG_TRUNC = 32;
    /** {@code MSG_WAITALL} on Linux. */
    public static final int MSG_WAITALL = 256;
    /** {@code NI_DGRAM} on Linux. */
    public static final int NI_DGRAM = 16;
    /** {@code NI_MAXHOST} on Linux. */
    public static final int NI_MAXHOST = 1025;
    /** {@code NI_MAXSERV} on Linux. */
    public static final int NI_MAXSERV = 32;
    /** {@code NI_NAMEREQD} on Linux. */
    public static final int NI_NAMEREQD = 8;
    /** {@code NI_NOFQDN} on Linux. */
    public static final int NI_NOFQDN = 4;
    /** {@code NI_NUMERICHOST} on Linux. */
    public static final int NI_NUMERICHOST = 1;
    /** {@code NI_NUMERICSERV} on Linux. */
    public static final int NI_NUMERICSERV = 2;
    /** {@code SCM_CREDENTIALS} on Linux. */
    public static final int SCM_CREDENTIALS = 2;
    /** {@code SCM_J1939_DEST_ADDR} on Linux. */
    public static final int SCM_J1939_DEST_ADDR = 1;
    /** {@code SCM_J1939_DEST_NAME} on Linux. */
    public static final int SCM_J1939_DEST_NAME = 2;
    /** {@code SCM_J1939_ERRQUEUE} on Linux. */
    public static final int SCM_J1939_ERRQUEUE = 4;
    /** {@code SCM_J1939_PRIO} on Linux. */
    public static final int SCM_J1939_PRIO = 3;
    /** {@code SCM_RIGHTS} on Linux. */
    public static final int SCM_RIGHTS = 1;
    /** {@code SHUT_RD} on Linux. */
    public static final int SHUT_RD = 0;
    /** {@code SHUT_RDWR} on Linux. */
    public static final int SHUT_RDWR = 2;
    /** {@code SHUT_WR} on Linux. */
    public static final int SHUT_WR = 1;
    /** {@code SOCK_CLOEXEC} on Linux. */
    public static final int SOCK_CLOEXEC = 524288;
    /** {@code SOCK_DGRAM} on Linux. */
    public static final int SOCK_DGRAM = 2;
    /** {@code SOCK_NONBLOCK} on Linux. */
    public static final int SOCK_NONBLOCK = 2048;
    /** {@code SOCK_RAW} on Linux. */
    public static final int SOCK_RAW = 3;
    /** {@code SOCK_RDM} on Linux. */
    public static final int SOCK_RDM = 4;
    /** {@code SOCK_SEQPACKET} on Linux. */
    public static final int SOCK_SEQPACKET = 5;
    /** {@code SOCK_STREAM} on Linux. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOL_ALG} on Linux. */
    public static final int SOL_ALG = 279;
    /** {@code SOL_CAN_BASE} on Linux. */
    public static final int SOL_CAN_BASE = 100;
    /** {@code SOL_CAN_RAW} on Linux. */
    public static final int SOL_CAN_RAW = 101;
    /** {@code SOL_IP} on Linux. */
    public static final int SOL_IP = 0;
    /** {@code SOL_RDS} on Linux. */
    public static final int SOL_RDS = 276;
    /** {@code SOL_SOCKET} on Linux. */
    public static final int SOL_SOCKET = 1;
    /** {@code SOL_TCP} on Linux. */
    public static final int SOL_TCP = 6;
    /** {@code SOL_TIPC} on Linux. */
    public static final int SOL_TIPC = 271;
    /** {@code SOL_UDP} on Linux. */
    public static final int SOL_UDP = 17;
    /** {@code SO_ACCEPTCONN} on Linux. */
    public static final int SO_ACCEPTCONN = 30;
    /** {@code SO_BINDTODEVICE} on Linux. */
    public static final int SO_BINDTODEVICE = 25;
    /** {@code SO_BROADCAST} on Linux. */
    public static final int SO_BROADCAST = 6;
    /** {@code SO_DEBUG} on Linux. */
    public static final int SO_DEBUG = 1;
    /** {@code SO_DOMAIN} on Linux. */
    public static final int SO_DOMAIN = 39;
    /** {@code SO_DONTROUTE} on Linux. */
    public static final int SO_DONTROUTE = 5;
    /** {@code SO_ERROR} on Linux. */
    public static final int SO_ERROR = 4;
    /** {@code SO_INCOMING_CPU} on Linux. */
    public static final int SO_INCOMING_CPU = 49;
    /** {@code SO_J1939_ERRQUEUE} on Linux. */
    public static final int SO_J1939_ERRQUEUE = 4;
    /** {@code SO_J1939_FILTER} on Linux. */
    public static final int SO_J1939_FILTER = 1;
    /** {@code SO_J1939_PROMISC} on Linux. */
    public static final int SO_J1939_PROMISC = 2;
    /** {@code SO_J1939_SEND_PRIO} on Linux. */
    public static final int SO_J1939_SEND_PRIO = 3;
    /** {@code SO_KEEPALIVE} on Linux. */
    public static final int SO_KEEPALIVE = 9;
    /** {@code SO_LINGER} on Linux. */
    public static final int SO_LINGER = 13;
    /** {@code SO_MARK} on Linux. */
    public static final int SO_MARK = 36;
    /** {@code SO_OOBINLINE} on Linux. */
    public static final int SO_OOBINLINE = 10;
    /** {@code SO_PASSCRED} on Linux. */
    public static final int SO_PASSCRED = 16;
    /** {@code SO_PASSSEC} on Linux. */
    public static final int SO_PASSSEC = 34;
    /** {@code SO_PEERCRED} on Linux. */
    public static final int SO_PEERCRED = 17;
    /** {@code SO_PEERSEC} on Linux. */
    public static final int SO_PEERSEC = 31;
    /** {@code SO_PRIORITY} on Linux. */
    public static final int SO_PRIORITY = 12;
    /** {@code SO_PROTOCOL} on Linux. */
    public static final int SO_PROTOCOL = 38;
    /** {@code SO_RCVBUF} on Linux. */
    public static final int SO_RCVBUF = 8;
    /** {@code SO_RCVLOWAT} on Linux. */
    public static final int SO_RCVLOWAT = 18;
    /** {@code SO_RCVTIMEO} on Linux. */
    public static final int SO_RCVTIMEO = 20;
    /** {@code SO_REUSEADDR} on Linux. */
    public static final int SO_REUSEADDR = 2;
    /** {@code SO_REUSEPORT} on Linux. */
    public static final int SO_REUSEPORT = 15;
    /** {@code SO_SNDBUF} on Linux. */
    public static final int SO_SNDBUF = 7;
    /** {@code SO_SNDLOWAT} on Linux. */
    public static final int SO_SNDLOWAT = 19;
    /** {@code SO_SNDTIMEO} on Linux. */
    public static final int SO_SNDTIMEO = 21;
    /** {@code SO_TYPE} on Linux. */
    public static final int SO_TYPE = 3;
    /** {@code SO_VM_SOCKETS_BUFFER_MAX_SIZE} on Linux. */
    public static final int SO_VM_SOCKETS_BUFFER_MAX_SIZE = 2;
    /** {@code SO_VM_SOCKETS_BUFFER_MIN_SIZE} on Linux. */
    public static final int SO_VM_SOCKETS_BUFFER_MIN_SIZE = 1;
    /** {@code SO_VM_SOCKETS_BUFFER_SIZE} on Linux. */
    public static final int SO_VM_SOCKETS_BUFFER_SIZE = 0;
    /** {@code TCP_CONGESTION} on Linux. */
    public static final int TCP_CONGESTION = 13;
    /** {@code TCP_CORK} on Linux. */
    public static final int TCP_CORK = 3;
    /** {@code TCP_DEFER_ACCEPT} on Linux. */
    public static final int TCP_DEFER_ACCEPT = 9;
    /** {@code TCP_FASTOPEN} on Linux. */
    public static final int TCP_FASTOPEN = 23;
    /** {@code TCP_INFO} on Linux. */
    public static final int TCP_INFO = 11;
    /** {@code TCP_KEEPCNT} on Linux. */
    public static final int TCP_KEEPCNT = 6;
    /** {@code TCP_KEEPIDLE} on Linux. */
    public static final int TCP_KEEPIDLE = 4;
    /** {@code TCP_KEEPINTVL} on Linux. */
    public static final int TCP_KEEPINTVL = 5;
    /** {@code TCP_LINGER2} on Linux. */
    public static final int TCP_LINGER2 = 8;
    /** {@code TCP_MAXSEG} on Linux. */
    public static final int TCP_MAXSEG = 2;
    /** {@code TCP_NODELAY} on Linux. */
    public static final int TCP_NODELAY = 1;
    /** {@code TCP_NOTSENT_LOWAT} on Linux. */
    public static final int TCP_NOTSENT_LOWAT = 25;
    /** {@code TCP_QUICKACK} on Linux. */
    public static final int TCP_QUICKACK = 12;
    /** {@code TCP_SYNCNT} on Linux. */
    public static final int TCP_SYNCNT = 7;
    /** {@code TCP_USER_TIMEOUT} on Linux. */
    public static final int TCP_USER_TIMEOUT = 18;
    /** {@code TCP_WINDOW_CLAMP} on Linux. */
    public static final int TCP_WINDOW_CLAMP = 10;
    /** {@code EPOLLERR} on Linux. */
    public static final int EPOLLERR = 8;
    /** {@code EPOLLET} on Linux. */
    public static final int EPOLLET = -2147483648;
    /** {@code EPOLLEXCLUSIVE} on Linux. */
    public static final int EPOLLEXCLUSIVE = 268435456;
    /** {@code EPOLLHUP} on Linux. */
    public static final int EPOLLHUP = 16;
    /** {@code EPOLLIN} on Linux. */
    public static final int EPOLLIN = 1;
    /** {@code EPOLLMSG} on Linux. */
    public static final int EPOLLMSG = 1024;
    /** {@code EPOLLONESHOT} on Linux. */
    public static final int EPOLLONESHOT = 1073741824;
    /** {@code EPOLLOUT} on Linux. */
    public static final int EPOLLOUT = 4;
    /** {@code EPOLLPRI} on Linux. */
    public static final int EPOLLPRI = 2;
    /** {@code EPOLLRDBAND} on Linux. */
    public static final int EPOLLRDBAND = 128;
    /** {@code EPOLLRDHUP} on Linux. */
    public static final int EPOLLRDHUP = 8192;
    /** {@code EPOLLRDNORM} on Linux. */
    public static final int EPOLLRDNORM = 64;
    /** {@code EPOLLWRBAND} on Linux. */
    public static final int EPOLLWRBAND = 512;
    /** {@code EPOLLWRNORM} on Linux. */
    public static final int EPOLLWRNORM = 256;
    /** {@code EPOLL_CLOEXEC} on Linux. */
    public static final int EPOLL_CLOEXEC = 524288;
    /** {@code POLLERR} on Linux. */
    public static final int POLLERR = 8;
    /** {@code POLLHUP} on Linux. */
    public static final int POLLHUP = 16;
    /** {@code POLLIN} on Linux. */
    public static final int POLLIN = 1;
    /** {@code POLLMSG} on Linux. */
    public static final int POLLMSG = 1024;
    /** {@code POLLNVAL} on Linux. */
    public static final int POLLNVAL = 32;
    /** {@code POLLOUT} on Linux. */
    public static final int POLLOUT = 4;
    /** {@code POLLPRI} on Linux. */
    public static final int POLLPRI = 2;
    /** {@code POLLRDBAND} on Linux. */
    public static final int POLLRDBAND = 128;
    /** {@code POLLRDHUP} on Linux. */
    public static final int POLLRDHUP = 8192;
    /** {@code POLLRDNORM} on Linux. */
    public static final int POLLRDNORM = 64;
    /** {@code POLLWRBAND} on Linux. */
    public static final int POLLWRBAND = 512;
    /** {@code POLLWRNORM} on Linux. */
    public static final int POLLWRNORM = 256;
}
