#pragma once

// Every atom that crosses an actor boundary, declared once. Atom text is at
// most 10 characters (CAF 0.17).

#include <caf/type_id.hpp>

// Message payload types are whitelisted in messages.hpp; they get type IDs
// here once they gain inspect() overloads for distribution.
CAF_BEGIN_TYPE_ID_BLOCK(temblor, caf::first_custom_type_id)

// -- data plane ----------------------------------------------------------------
CAF_ADD_ATOM(temblor, temblor::atom, event_atom, "event")
CAF_ADD_ATOM(temblor, temblor::atom, pull_atom, "pull")
CAF_ADD_ATOM(temblor, temblor::atom, pulled_atom, "pulled")

// -- contraflow ----------------------------------------------------------------
CAF_ADD_ATOM(temblor, temblor::atom, ack_atom, "ack")
CAF_ADD_ATOM(temblor, temblor::atom, fail_atom, "fail")
CAF_ADD_ATOM(temblor, temblor::atom, cb_trigger_atom, "cb_trigger")
CAF_ADD_ATOM(temblor, temblor::atom, cb_restore_atom, "cb_restore")

// -- lifecycle -----------------------------------------------------------------
CAF_ADD_ATOM(temblor, temblor::atom, start_atom, "start")
CAF_ADD_ATOM(temblor, temblor::atom, drain_atom, "drain")
CAF_ADD_ATOM(temblor, temblor::atom, drained_atom, "drained")
CAF_ADD_ATOM(temblor, temblor::atom, stop_atom, "stop")
CAF_ADD_ATOM(temblor, temblor::atom, tick_atom, "tick")
CAF_ADD_ATOM(temblor, temblor::atom, timeout_atom, "timeout")

// -- wiring --------------------------------------------------------------------
CAF_ADD_ATOM(temblor, temblor::atom, link_port_atom, "link_port")
CAF_ADD_ATOM(temblor, temblor::atom, upstream_atom, "upstream")
CAF_ADD_ATOM(temblor, temblor::atom, downstream_atom, "downstream")

// -- supervision ---------------------------------------------------------------
CAF_ADD_ATOM(temblor, temblor::atom, connect_atom, "connect")
CAF_ADD_ATOM(temblor, temblor::atom, connected_atom, "connected")
CAF_ADD_ATOM(temblor, temblor::atom, conn_fail_atom, "conn_fail")
CAF_ADD_ATOM(temblor, temblor::atom, conn_lost_atom, "conn_lost")
CAF_ADD_ATOM(temblor, temblor::atom, status_atom, "status")
CAF_ADD_ATOM(temblor, temblor::atom, fault_atom, "fault")
CAF_ADD_ATOM(temblor, temblor::atom, pause_atom, "pause")
CAF_ADD_ATOM(temblor, temblor::atom, resume_atom, "resume")
CAF_ADD_ATOM(temblor, temblor::atom, metrics_atom, "metrics")

// -- from a connector implementation's threads to its actor --------------------
CAF_ADD_ATOM(temblor, temblor::atom, data_atom, "data")
CAF_ADD_ATOM(temblor, temblor::atom, shutdown_atom, "shutdown")

CAF_END_TYPE_ID_BLOCK(temblor)
