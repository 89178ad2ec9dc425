import ExScopeCLI
import Foundation

exit(await ExScope.run(arguments: Array(CommandLine.arguments.dropFirst())))
