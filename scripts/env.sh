# Sourced by the scripts: the cargo-installed tools (trunk, wasm-bindgen) and npm's wasm-opt
# (binaryen 132), which must come before any other wasm-opt because trunk takes the first it finds.
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
