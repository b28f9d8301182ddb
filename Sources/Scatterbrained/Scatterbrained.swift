// The umbrella module: `import Scatterbrained` brings in the whole public API.
@_exported import SBLearning
@_exported import SBNetwork
@_exported import SBTensor
@_exported import SBWire
