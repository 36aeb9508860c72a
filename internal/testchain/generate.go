package testchain

// The test contracts live in contracts/src (Solidity). go generate rebuilds everything derived
// from them: it installs the pinned solcjs (contracts/package-lock.json), compiles the sources
// into artifacts/<Name>.json, and regenerates the abigen (v1) bindings in bindings/.
// It needs node and npm; nobody edits the generated files by hand. abigen runs as
// `go tool abigen`: go.mod's tool directive pins it to the go-ethereum lpops links.

//go:generate npm ci --prefix ../../contracts --no-audit --no-fund
//go:generate node ../../contracts/compile.js
//go:generate go tool abigen --abi ../../contracts/build/Controller.abi --bin ../../contracts/build/Controller.bin --pkg bindings --type Controller --out bindings/controller.gen.go
//go:generate go tool abigen --abi ../../contracts/build/LivepeerToken.abi --bin ../../contracts/build/LivepeerToken.bin --pkg bindings --type LivepeerToken --out bindings/livepeertoken.gen.go
//go:generate go tool abigen --abi ../../contracts/build/Minter.abi --bin ../../contracts/build/Minter.bin --pkg bindings --type Minter --out bindings/minter.gen.go
//go:generate go tool abigen --abi ../../contracts/build/RoundsManager.abi --bin ../../contracts/build/RoundsManager.bin --pkg bindings --type RoundsManager --out bindings/roundsmanager.gen.go
//go:generate go tool abigen --abi ../../contracts/build/BondingManager.abi --bin ../../contracts/build/BondingManager.bin --pkg bindings --type BondingManager --out bindings/bondingmanager.gen.go
//go:generate go tool abigen --abi ../../contracts/build/TicketBroker.abi --bin ../../contracts/build/TicketBroker.bin --pkg bindings --type TicketBroker --out bindings/ticketbroker.gen.go
//go:generate go tool abigen --abi ../../contracts/build/Multicall3.abi --bin ../../contracts/build/Multicall3.bin --pkg bindings --type Multicall3 --out bindings/multicall3.gen.go
