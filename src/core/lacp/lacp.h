/* 802.3ad / 802.1AX LACP for bondd: the shared data model of the machines.
 *
 * Model (the Linux bonding driver's, which is what bondd reproduces): every
 * slave is one port and owns one aggregator; a port is attached to some
 * aggregator of its bond (its own or another slave's), and at most one
 * aggregator of the bond is active. Time is counted in ticks of
 * LACP_TICK_MS; the machines run once per tick for each port in slave
 * order (rx, periodic, selection, mux, tx, churn), and a received LACPDU
 * runs the rx machine at once.
 *
 * Files: lacp_pdu.c (codec and validation), lacp_rx.c, lacp_ptx.c,
 * lacp_mux.c, lacp_tx.c, lacp_churn.c (one machine each), lacp_select.c
 * (port -> aggregator selection, active aggregator choice, carrier) and
 * ../mode_8023ad.c (the mode_ops table that glues them to the engine).
 *
 * lacp_log.c keeps what `bondctl lacp log` and `lacp explain` need: per
 * port the last LACPDUs sent and received with the state changes they
 * caused, the state changes of the ticks, and when a LACPDU was last heard;
 * lacp_explain.c turns the machines' state into reasons (status.h).
 *
 * coupled_control=0 runs the 802.1AX independent control mux (lacp_mux.c),
 * ad_select=actor_port_prio selects by port priority (lacp_select.c), and
 * broadcast_neighbor is a transmit rule (../mode_8023ad.c).
 *
 * Left out: 802.1AX-2014 version 2 TLVs (accepted, ignored).
 */
#ifndef BONDD_LACP_H
#define BONDD_LACP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond.h"

/* ---- constants (bond_3ad.h) ------------------------------------------------ */

#define LACP_TICK_MS            100u
#define LACP_TICKS_PER_SEC      10u
#define LACP_FAST_PERIODIC      (1u * LACP_TICKS_PER_SEC)
#define LACP_SLOW_PERIODIC      (30u * LACP_TICKS_PER_SEC)
#define LACP_SHORT_TIMEOUT      (3u * LACP_TICKS_PER_SEC)
#define LACP_LONG_TIMEOUT       (90u * LACP_TICKS_PER_SEC)
#define LACP_CHURN_TIME         (60u * LACP_TICKS_PER_SEC)
#define LACP_WAIT_WHILE         (2u * LACP_TICKS_PER_SEC)
#define LACP_AGG_SELECT_TIME    (8u * LACP_TICKS_PER_SEC)
#define LACP_TX_GRID            (LACP_TICKS_PER_SEC / 3u)   /* 3 PDUs a second */

#define ETH_P_SLOW              0x8809
#define LACP_SUBTYPE_LACP       1
#define LACP_SUBTYPE_MARKER     2
#define LACP_MARKER_INFO        1
#define LACP_MARKER_RESPONSE    2
#define LACP_FRAME_LEN          124   /* 14 + 110 */

extern const uint8_t lacp_group_mac[6];   /* 01:80:c2:00:00:02 */

/* ---- state bits (802.1AX 6.4.2.3) ----------------------------------------------- */

#define LACP_STATE_ACTIVITY     0x01
#define LACP_STATE_TIMEOUT      0x02
#define LACP_STATE_AGGREGATION  0x04
#define LACP_STATE_SYNC         0x08
#define LACP_STATE_COLLECTING   0x10
#define LACP_STATE_DISTRIBUTING 0x20
#define LACP_STATE_DEFAULTED    0x40
#define LACP_STATE_EXPIRED      0x80

/* ---- PDUs (lacp_pdu.c) --------------------------------------------------- */

/* One actor or partner information TLV. */
struct lacp_info {
	uint16_t sys_prio;
	uint8_t system[6];
	uint16_t key;
	uint16_t port_prio;
	uint16_t port;
	uint8_t state;
};

struct lacpdu {
	uint8_t version;
	struct lacp_info actor, partner;
	uint16_t collector_max_delay;
};

struct lacp_marker {
	uint8_t tlv;              /* LACP_MARKER_INFO or LACP_MARKER_RESPONSE */
	uint16_t port;
	uint8_t system[6];
	uint32_t transaction;
};

enum lacp_rx_kind {
	LACP_RX_NOT_SLOW,         /* not a slow-protocols frame for us */
	LACP_RX_LACPDU,
	LACP_RX_MARKER,
	LACP_RX_UNKNOWN,          /* slow protocol, another subtype */
	LACP_RX_ILLEGAL,          /* ours, but truncated or malformed */
};

/* Classifies a received frame (from the Ethernet header) and decodes it.
 * pdu / marker may be NULL when the caller does not need them. */
enum lacp_rx_kind lacp_frame_decode(const uint8_t *frame, size_t len,
				    struct lacpdu *pdu, struct lacp_marker *marker);
/* Writes a LACP_FRAME_LEN-byte LACPDU frame from src. */
size_t lacp_pdu_encode(const struct lacpdu *pdu, const uint8_t src[6],
		       uint8_t out[LACP_FRAME_LEN]);
size_t lacp_marker_encode(const struct lacp_marker *m, const uint8_t src[6],
			  uint8_t out[LACP_FRAME_LEN]);

/* ---- machines' states --------------------------------------------------- */

enum lacp_rx_state {
	LACP_RX_NONE, LACP_RX_INITIALIZE, LACP_RX_PORT_DISABLED,
	LACP_RX_LACP_DISABLED, LACP_RX_EXPIRED, LACP_RX_DEFAULTED, LACP_RX_CURRENT,
};
enum lacp_ptx_state {
	LACP_PTX_NO_PERIODIC, LACP_PTX_FAST_PERIODIC, LACP_PTX_SLOW_PERIODIC,
	LACP_PTX_PERIODIC_TX,
};
enum lacp_mux_state {
	LACP_MUX_NONE, LACP_MUX_DETACHED, LACP_MUX_WAITING, LACP_MUX_ATTACHED,
	LACP_MUX_COLLECTING_DISTRIBUTING,
	/* coupled_control=0 (independent control) only: */
	LACP_MUX_COLLECTING, LACP_MUX_DISTRIBUTING,
};
enum lacp_churn_state {
	LACP_CHURN_MONITOR, LACP_CHURN_NONE, LACP_CHURN_CHURNED,
};

extern const char *const lacp_rx_state_names[];
extern const char *const lacp_ptx_state_names[];
extern const char *const lacp_mux_state_names[];
extern const char *const lacp_churn_state_names[];   /* /proc words */

/* ---- the port's memory for explain and log (lacp_log.c) ----------------- */

#define LACP_LOG_LEN 32

/* What a LACPDU or a tick may change in a port, compared before/after. */
struct lacp_port_view {
	uint8_t rx, mux;               /* enum lacp_rx_state / lacp_mux_state */
	bool selected;
	bool enabled;
	bool agg_active;
	uint16_t agg_id;               /* 0: no aggregator */
	uint8_t actor_state, partner_state;
};

enum lacp_log_kind { LACP_LOG_RX, LACP_LOG_TX, LACP_LOG_STATE };

struct lacp_log_entry {
	uint64_t ms;                   /* engine clock */
	uint32_t seq;                  /* order across both rings */
	uint8_t kind;                  /* enum lacp_log_kind */
	struct lacpdu pdu;             /* RX, TX */
	struct lacp_port_view before, after;
};

/* Two rings, so that state changes never push the LACPDUs out. */
struct lacp_ring {
	struct lacp_log_entry e[LACP_LOG_LEN];
	unsigned next, n;
};

struct lacp_memory {
	struct lacp_ring pdus;         /* RX and TX */
	struct lacp_ring states;       /* changes between LACPDUs */
	struct lacp_port_view last;    /* the view the log has shown last */
	uint32_t seq;                  /* the next entry's */
	bool heard;                    /* a LACPDU was ever received */
	uint64_t heard_ms;             /* the last one received */
	bool listening;                /* link up, full duplex, bond up */
	uint64_t listen_ms;            /* since when */
	bool partner_passive_heard;    /* the last LACPDU had Activity off */
};

/* ---- ports and aggregators ---------------------------------------------- */

struct lacp_stats {
	uint64_t lacpdu_rx, lacpdu_tx, lacpdu_unknown_rx, lacpdu_illegal_rx;
	uint64_t marker_rx, marker_tx, marker_resp_rx, marker_resp_tx;
	uint64_t marker_unknown_rx;
};

struct lacp_agg {
	uint16_t id;                   /* aggregator_identifier */
	unsigned n_ports;              /* ports attached (any link state) */
	bool individual;
	bool active;
	uint16_t actor_key;            /* actor_oper_aggregator_key */
	uint16_t partner_key;          /* partner_oper_aggregator_key */
	uint16_t partner_sys_prio;
	uint8_t partner_system[6];
	bool ready;
};

struct lacp_port {
	struct slave *slave;
	struct lacp_agg *agg;          /* attached aggregator, NULL before selection */
	uint16_t number;               /* actor_port: 1-based, in enslave order */
	uint16_t key;                  /* actor_oper_port_key */
	uint16_t user_key;             /* ad_user_port_key << 6 when enslaved */
	uint8_t actor_state;           /* actor_oper_port_state */
	struct lacp_info partner;      /* partner_oper */

	bool begin;                    /* BEGIN */
	bool port_enabled;             /* port_enabled: link up */
	bool lacp_enabled;             /* LACP_Enabled: full duplex */
	bool selected;                 /* Selected == SELECTED */
	bool standby;                  /* Selected == STANDBY (never set) */
	bool ready_n;                  /* Ready_N */
	bool ntt;                      /* NTT */
	bool churned;                  /* restart the churn timers */
	bool enabled;                  /* may carry traffic (kernel: active slave) */
	bool collecting;               /* receives while not distributing
					* (independent control's COLLECTING) */
	bool announce;                 /* broadcast_neighbor: announce the
					* bond's addresses once frames go out
					* here (lacp_port_distributes) */

	enum lacp_rx_state rx;
	uint32_t current_while;
	enum lacp_ptx_state ptx;
	uint32_t periodic_timer;
	enum lacp_mux_state mux;
	uint32_t wait_while;
	uint32_t tx_timer;
	enum lacp_churn_state actor_churn, partner_churn;
	uint32_t actor_churn_timer, partner_churn_timer;
	uint32_t actor_churn_count, partner_churn_count;

	struct lacp_stats stats;
	struct lacp_memory mem;        /* for explain and log */
};

/* slave->mode_priv */
struct lacp_slave {
	struct lacp_port port;
	struct lacp_agg agg;           /* the aggregator this slave owns */
};

/* bond->mode_priv */
struct lacp_bond {
	uint32_t agg_select_timer;     /* ticks; 0 = not running */
	uint64_t next_tick_ms;         /* 0 = not scheduled */
	bool was_up;
	uint32_t strict;               /* lacp_strict as the last tick saw it */
	struct lacp_stats stats;
	uint16_t next_port_number;     /* lacp_port.number of the next slave */
	uint32_t next_agg_id;          /* the last aggregator id given */
	uint64_t now_ms;               /* the engine clock at the last call in */
};

static inline struct lacp_bond *lacp_bond_of(const struct bond *b)
{
	return (struct lacp_bond *)b->mode_priv;
}

static inline struct lacp_port *lacp_port_of(const struct slave *s)
{
	return &((struct lacp_slave *)s->mode_priv)->port;
}

static inline struct lacp_agg *lacp_own_agg(const struct slave *s)
{
	return &((struct lacp_slave *)s->mode_priv)->agg;
}

/* The actor's identity as sent: system priority and system MAC. */
uint16_t lacp_sys_prio(const struct bond *b);
const uint8_t *lacp_system(const struct bond *b);
/* Our actor information for a port (the LACPDU actor TLV). */
void lacp_actor_info(const struct bond *b, const struct lacp_port *p,
		     struct lacp_info *out);
/* recordDefault: partner_oper from the admin defaults, actor DEFAULTED. */
void lacp_record_default(struct lacp_port *p);
/* The port key: the user part from enslave time (user_key), speed and duplex
 * as the slave has them now (bond_3ad.c ad_update_actor_keys). */
uint16_t lacp_port_key(const struct slave *s, bool reset);

/* ---- machines ----------------------------------------------------------- */

/* rx machine: one step per tick (pdu NULL) or on a received LACPDU. */
void lacp_rx_run(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu);
void lacp_ptx_run(struct bond *b, struct lacp_port *p);
void lacp_mux_run(struct bond *b, struct lacp_port *p);
/* broadcast_neighbor: schedules the announcement for the ports that began
 * distributing since the last call (lacp_mux.c). */
void lacp_announce_ready(struct bond *b);
void lacp_tx_run(struct bond *b, struct lacp_port *p);
void lacp_churn_run(struct bond *b, struct lacp_port *p);

/* Sends one LACPDU for p now (tx machine, final PDU at release). */
void lacp_tx_send(struct bond *b, struct lacp_port *p, uint8_t actor_state);
/* Answers a Marker Information PDU. */
void lacp_marker_respond(struct bond *b, struct lacp_port *p,
			 const struct lacp_marker *m);

/* ---- selection (lacp_select.c) ------------------------------------------ */

void lacp_port_select(struct bond *b, struct lacp_port *p);
/* Chooses the active aggregator (ad_agg_selection_logic). */
void lacp_agg_select(struct bond *b);
/* Moves the ports of the leaving slave's aggregator elsewhere and detaches
 * the leaving port. */
void lacp_port_unbind(struct bond *b, struct lacp_port *p);
/* Ports of agg whose link is up ("active ports", /proc Number of ports). */
unsigned lacp_agg_active_ports(const struct bond *b, const struct lacp_agg *agg);
bool lacp_agg_has_partner(const struct lacp_agg *agg);
/* The active aggregator as /proc finds it: through the first slave whose
 * port's aggregator is active. NULL if none. */
const struct lacp_agg *lacp_active_agg(const struct bond *b);
bool lacp_agg_ready(const struct bond *b, const struct lacp_agg *agg);
/* __enable_port / __disable_port: collecting and distributing together. */
void lacp_port_enable(struct lacp_port *p);
void lacp_port_disable(struct lacp_port *p);
/* Independent control (coupled_control=0): collecting alone
 * (ad_enable_collecting) and the end of distributing only
 * (ad_disable_distributing). */
void lacp_port_enable_collecting(struct lacp_port *p);
void lacp_port_disable_distributing(struct lacp_port *p);
/* Whether frames may go out on p: enabled, of the active aggregator, and
 * the partner (if there is one) says it collects (lacp_select.c says why). */
bool lacp_port_distributes(const struct lacp_port *p);
/* A slave's actor_port_prio changed (bond_3ad_update_ad_actor_settings):
 * every port sends, and ad_select=actor_port_prio chooses again. */
void lacp_port_prio_changed(struct bond *b);
/* Sum of actor_port_prio over the ports of agg whose link is up
 * (__agg_ports_priority): the measure of ad_select=actor_port_prio. */
uint32_t lacp_agg_port_prio(const struct bond *b, const struct lacp_agg *agg);

/* broadcast_neighbor's frames (../mode_8023ad.c): ARP, IPv6 NS/NA. */
bool lacp_is_neighbor_frame(const uint8_t *frame, size_t len);

/* Which rule of the aggregator selection prefers best over other (both of
 * the bond): a short phrase ("stable: ...", "count: more ports up", ...). */
const char *lacp_agg_prefer_rule(const struct bond *b, const struct lacp_agg *best,
				 const struct lacp_agg *other);

/* ---- explain's memory (lacp_log.c) -------------------------------------- */

void lacp_port_view(const struct lacp_port *p, struct lacp_port_view *v);
/* A state change since the last entry becomes a STATE entry; also follows
 * when the port starts listening. Called after every tick of the port. */
void lacp_log_sync(struct bond *b, struct lacp_port *p);
/* A LACPDU received (before: the view before the rx machine ran). */
void lacp_log_rx(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu,
		 const struct lacp_port_view *before);
void lacp_log_tx(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu);
/* The entries of a ring oldest first: i < ring->n. */
const struct lacp_log_entry *lacp_ring_at(const struct lacp_ring *r, unsigned i);

#endif
