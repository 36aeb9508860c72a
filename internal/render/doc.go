// Package render turns an lpops configuration into the configuration of the
// host that runs the orchestrator: systemd units for go-livepeer, lpops and
// the chain node host.chain_node names (none, Nitro in a container, or geth),
// journald and logrotate retention, chrony, an nftables ruleset,
// sysctl file-handle limits, fstab lines and a volume script, cloud-init
// user-data that applies all of it to a fresh Ubuntu host, and an AWS
// CloudFormation template of the seed's layout. `lpops render` writes them;
// `lpops doctor` audits a live host against the same host section.
//
// # Design
//
// Output is a pure function of the configuration: the same file renders the
// same bytes (no time stamps, no map iteration order, the source named by its
// base name only), so the rendered directory can be kept in version control
// and a diff shows what a configuration change does to the host. Each text
// file comes from a template in templates/; user-data is marshalled from a
// struct so its YAML is well-formed whatever the files hold, and the
// CloudFormation template embeds that same user-data.
//
// Nothing rendered is secret. Secrets stay where the configuration keeps
// them: root-only files on the host that systemd hands to a service with
// LoadCredential=. go-livepeer reads its keystore passphrase through
// -ethPassword ${CREDENTIALS_DIRECTORY}/passphrase, so the passphrase is never
// on a command line (visible in /proc/PID/cmdline to every user), in an
// environment or in a unit. lpops reads every secret it keeps under
// /run/credentials/lpops.service/NAME, and the unit loads NAME from
// host.lpops.credentials_dir. The renderer never opens a secret file.
//
// Volumes are not formatted with cloud-init's fs_setup: on AWS the EBS
// volumes are attached after the instance boots (the attachment needs the
// instance), and on Nitro instances they appear as NVMe devices whose names
// do not follow the attachment's. lpops-volumes waits for each device (found
// by the name in its NVMe EBS vendor data), formats it only when it holds no
// signature at all, and mounts it by label, so a re-run never destroys data.
//
// # The chain node
//
// The host runs at most one chain node, and what it runs must fit the
// network: geth is an Ethereum L1 (or devnet) node, Nitro an Arbitrum One
// node. Render refuses a mismatch (config.ChainNodeMismatch), points the
// node's -ethUrl at the chain node it writes, refuses a loopback -ethUrl
// when it writes none, and refuses a runbook that restarts a unit it does
// not write: the polkit rule names exactly the units the host has. Nitro
// runs from the official image with host networking (a published port
// would depend on NAT rules that the rendered nftables.conf flushes) and
// reads its L1 endpoints, which hold provider keys, from a credential as
// environment lines, never from its command line.
//
// The units are skipped (ConditionPathExists=) until their binary,
// configuration and credentials are installed, so a host booted from the
// user-data does not loop on failures while the operator copies secrets in.
package render
