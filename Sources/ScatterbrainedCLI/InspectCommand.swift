import Foundation
import Scatterbrained

/// `scatterbrained inspect <directory>`: what a saved model is, without running it.
enum InspectCommand {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try Options(arguments, known: [])
        guard let path = options.positional.first else {
            throw UsageError(description: "inspect needs the directory a model was saved to")
        }
        let model = try Module.load(from: URL(fileURLWithPath: path))
        print("architecture: \(describeTree(model))")
        print("parameters: \(model.parameterCount)")
        for (name, parameter) in model.namedParameters {
            print("  \(name) \(parameter.shape)")
        }
    }

    private static func describeTree(_ module: Module) -> String {
        let children = module.children
        guard !children.isEmpty else { return module.description }
        return "\(type(of: module))(" + children.map { describeTree($0.module) }.joined(separator: ", ") + ")"
    }
}
