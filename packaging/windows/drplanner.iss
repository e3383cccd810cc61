; Inno Setup script for DR Planner on Windows. PREPARED, NOT TESTED (no Windows here).
; Build the folder first on Windows:  .venv\Scripts\pyinstaller --noconfirm packaging\drplanner.spec
; then:  iscc /DAppVersion=0.1.0 packaging\windows\drplanner.iss
; (AppVersion must be planner.__version__; the release script should pass it.)

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (planner.__version__)
#endif

[Setup]
AppId={{43B35E9E-919D-434D-9BDB-0CD2793F2BDC}
AppName=DR Planner
AppVersion={#AppVersion}
AppPublisher=DR Planner
DefaultDirName={autopf}\DR Planner
DefaultGroupName=DR Planner
SetupIconFile=drplanner.ico
UninstallDisplayIcon={app}\drplanner.exe
OutputBaseFilename=drplanner-{#AppVersion}-setup
ChangesAssociations=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog

[Files]
Source: "..\..\dist\drplanner\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\DR Planner"; Filename: "{app}\drplanner.exe"
Name: "{autodesktop}\DR Planner"; Filename: "{app}\drplanner.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

; .drplan -> DR Planner (per user or per machine, following the install mode).
[Registry]
Root: HKA; Subkey: "Software\Classes\.drplan"; ValueType: string; ValueName: ""; ValueData: "DRPlanner.Plan"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.drplan"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-drplanner"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\DRPlanner.Plan"; ValueType: string; ValueName: ""; ValueData: "DR Planner plan"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\DRPlanner.Plan\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\drplanner.exe,0"
Root: HKA; Subkey: "Software\Classes\DRPlanner.Plan\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\drplanner.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\drplanner.exe\SupportedTypes"; ValueType: string; ValueName: ".drplan"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\drplanner.exe"; Description: "{cm:LaunchProgram,DR Planner}"; Flags: nowait postinstall skipifsilent
